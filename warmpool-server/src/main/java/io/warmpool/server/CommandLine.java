package io.warmpool.server;

import io.warmpool.ConfigException;

import java.nio.file.Path;

/** The parsed {@code warmpool} command line. */
record CommandLine(Integer port, Path config, Path chromium, Path dataDir, boolean help) {
    static final String USAGE = "usage: warmpool up [--port N] [--config FILE] [--chromium PATH] [--data-dir DIR]\n"
            + "       warmpool hash-key KEY   (prints the sha256:... hash to put in auth.tenants.<name>.keys)\n"
            + "       warmpool check-url [--config FILE] URL...   (the egress guard's verdict, nothing sent)";

    static CommandLine parse(String[] args) {
        Integer port = null;
        Path config = null;
        Path chromium = null;
        Path dataDir = Path.of("data");
        int i = 0;
        if (args.length > 0 && args[0].equals("up")) {
            i = 1;
        }
        for (; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "-h", "--help" -> {
                    return new CommandLine(port, config, chromium, dataDir, true);
                }
                case "--port" -> port = port(value(args, ++i, a));
                case "--config" -> config = Path.of(value(args, ++i, a));
                case "--chromium" -> chromium = Path.of(value(args, ++i, a));
                case "--data-dir" -> dataDir = Path.of(value(args, ++i, a));
                default -> throw new ConfigException("unknown argument '" + a + "'");
            }
        }
        return new CommandLine(port, config, chromium, dataDir, false);
    }

    private static String value(String[] args, int i, String flag) {
        if (i >= args.length) {
            throw new ConfigException(flag + " needs a value");
        }
        return args[i];
    }

    private static int port(String text) {
        try {
            int p = Integer.parseInt(text);
            if (p < 0 || p > 65535) {
                throw new NumberFormatException();
            }
            return p;
        } catch (NumberFormatException e) {
            throw new ConfigException("--port must be between 0 and 65535 (got '" + text + "')");
        }
    }
}
