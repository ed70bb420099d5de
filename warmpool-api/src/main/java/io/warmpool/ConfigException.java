package io.warmpool;

/** A setting is missing, unknown or out of range; the message names the field, the rule and the value. */
public class ConfigException extends WarmPoolException {
    public ConfigException(String message) {
        super("invalid_config", message);
    }
}
