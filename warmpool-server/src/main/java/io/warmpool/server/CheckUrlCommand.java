package io.warmpool.server;

import io.warmpool.ConfigException;
import io.warmpool.agent.internal.AddressPolicy;
import io.warmpool.agent.internal.EgressCheck;
import io.warmpool.server.config.ConfigReader;
import io.warmpool.server.config.GatewayConfig;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code warmpool check-url [--config FILE] URL...}: the egress guard's verdict on each URL, one line each,
 * {@code allowed URL address} or {@code blocked URL reason}, with the config file's {@code egress.allow}. Resolves
 * host names but sends nothing to the hosts. Exit codes: 0 every URL allowed, 1 some blocked, 2 bad usage or config.
 */
final class CheckUrlCommand {
    static final String USAGE = "usage: warmpool check-url [--config FILE] URL...";

    private CheckUrlCommand() {
    }

    static int run(List<String> args, PrintStream out, PrintStream err) {
        Path config = null;
        List<String> urls = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("--config")) {
                if (i + 1 >= args.size()) {
                    err.println("warmpool: --config needs a value");
                    err.println(USAGE);
                    return 2;
                }
                config = Path.of(args.get(++i));
            } else if (a.equals("-h") || a.equals("--help")) {
                out.println(USAGE);
                return 0;
            } else {
                urls.add(a);
            }
        }
        if (urls.isEmpty()) {
            err.println("warmpool: check-url needs at least one URL");
            err.println(USAGE);
            return 2;
        }
        AddressPolicy policy;
        try {
            GatewayConfig defaults = GatewayConfig.demo(Path.of("data"), Path.of("chromium"), 8080);
            List<String> allow = config == null ? defaults.egressAllow() : ConfigReader.read(config, defaults).egressAllow();
            policy = AddressPolicy.allowing(String.join(",", allow));
        } catch (ConfigException e) {
            err.println("warmpool: " + e.getMessage());
            return 2;
        }
        boolean anyBlocked = false;
        for (String url : urls) {
            EgressCheck.Verdict verdict = EgressCheck.check(policy, url);
            anyBlocked |= !verdict.allowed();
            out.println(verdict.line());
        }
        return anyBlocked ? 1 : 0;
    }
}
