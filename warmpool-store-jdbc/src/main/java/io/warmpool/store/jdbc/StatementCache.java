package io.warmpool.store.jdbc;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A connection that prepares each SQL text once and hands the same statement out again: {@code close()} on a
 * statement it gave out only clears its parameters and batch. For SQLite, whose driver would otherwise re-prepare
 * (parse and plan) every statement on every call, under the connection lock. At most {@code max} statements are
 * kept (least recently used go first); closing the connection closes them all. Used by one thread at a time, as
 * every pooled connection is.
 */
final class StatementCache implements InvocationHandler {

    private final Connection target;
    private final Map<String, Cached> statements;
    private Connection self;

    private StatementCache(Connection target, int max) {
        this.target = target;
        this.statements = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Cached> eldest) {
                if (size() <= max) {
                    return false;
                }
                closeQuietly(eldest.getValue().real());
                return true;
            }
        };
    }

    static Connection wrap(Connection target, int max) {
        StatementCache cache = new StatementCache(target, max);
        cache.self = (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(),
                new Class<?>[] {Connection.class}, cache);
        return cache.self;
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
        if (method.getName().equals("prepareStatement") && args != null && args.length == 1) {
            return prepared((String) args[0]);
        }
        if (method.getName().equals("close") && (args == null || args.length == 0)) {
            for (Cached e : statements.values()) {
                closeQuietly(e.real());
            }
            statements.clear();
        }
        return forward(target, method, args);
    }

    private PreparedStatement prepared(String sql) throws SQLException {
        Cached entry = statements.get(sql);
        if (entry == null) {
            PreparedStatement real = target.prepareStatement(sql);
            PreparedStatement cached = (PreparedStatement) Proxy.newProxyInstance(PreparedStatement.class.getClassLoader(),
                    new Class<?>[] {PreparedStatement.class}, (p, m, a) -> switch (m.getName()) {
                        case "close" -> {
                            if (!real.isClosed()) {
                                real.clearParameters();
                                real.clearBatch();
                            }
                            yield null;
                        }
                        case "getConnection" -> self;
                        default -> forward(real, m, a);
                    });
            entry = new Cached(cached, real);
            statements.put(sql, entry);
        }
        return entry.handedOut();
    }

    private static Object forward(Object target, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    private static void closeQuietly(PreparedStatement real) {
        try {
            real.close();
        } catch (SQLException | RuntimeException e) {
            // closing on the way out; nothing to do
        }
    }

    /** A statement as handed out (its close only clears it) and the driver's statement behind it. */
    private record Cached(PreparedStatement handedOut, PreparedStatement real) {
    }
}
