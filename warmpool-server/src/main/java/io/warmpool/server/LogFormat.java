package io.warmpool.server;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.joran.spi.JoranException;
import org.slf4j.LoggerFactory;

import java.net.URL;
import java.util.Locale;

/**
 * How the gateway writes its log: {@code text} (a line per event, fields as {@code key="value"}) or {@code json}
 * (logback's {@code JsonEncoder}: one JSON object per line, fields in {@code kvpList}). Chosen with
 * {@code ./warmpool up --log-format json}, or {@code -Dwarmpool.log.format=JSON} before start.
 */
public enum LogFormat {
    TEXT, JSON;

    static final String PROPERTY = "warmpool.log.format";

    /** Reloads the logging configuration with this format. Not for concurrent use with another reload. */
    public void use() {
        System.setProperty(PROPERTY, name());
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        URL config = LogFormat.class.getResource("/logback.xml");
        context.reset();
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        try {
            configurator.doConfigure(config);
        } catch (JoranException e) {
            throw new IllegalStateException("cannot reload " + config + ": " + e.getMessage(), e);
        }
    }

    /** {@code text} or {@code json}, in any case. */
    public static LogFormat parse(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }
}
