package io.warmpool;

/** The session's instance died (its heartbeats stopped or its process exited); the session cannot continue. */
public class InstanceLostException extends WarmPoolException {
    public InstanceLostException(String sessionId, String instanceId) {
        super("instance_lost", "session '" + sessionId + "' lost its instance " + instanceId
                + "; release it and acquire a new one");
    }
}
