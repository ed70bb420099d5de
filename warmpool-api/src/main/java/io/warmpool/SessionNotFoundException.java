package io.warmpool;

/** The session id is unknown, expired or released. */
public class SessionNotFoundException extends WarmPoolException {
    public SessionNotFoundException(String sessionId) {
        super("session_not_found", "no live session with id '" + sessionId + "'");
    }
}
