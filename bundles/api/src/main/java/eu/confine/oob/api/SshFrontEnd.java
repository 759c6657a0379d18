package eu.confine.oob.api;

import java.time.Instant;
import java.util.List;

/** The SSH front end as operators see it: its state and its live sessions. */
public interface SshFrontEnd {

    /** Where it listens, its host keys and its counters. */
    Status status();

    /** Every open session, oldest first. */
    List<Session> sessions();

    /** Closes one session; false if there is none with that id. */
    boolean kick(long sessionId);

    /** Closes every session of the slice; returns how many were closed. */
    int kickSlice(SliceId sliceId);

    /**
     * @param listenAddress         address and port it listens on
     * @param hostKeyFingerprints   one line per host key: algorithm and SHA256 fingerprint
     * @param openSessions          sessions open now
     * @param authenticatedSinceStart successful logins since the front end started
     * @param refusedSinceStart     refused logins since the front end started
     */
    record Status(String listenAddress, List<String> hostKeyFingerprints, int openSessions, long authenticatedSinceStart,
                  long refusedSinceStart) {
        public Status {
            hostKeyFingerprints = List.copyOf(hostKeyFingerprints);
        }
    }

    /**
     * @param id             the front end's own id of the session
     * @param sliceId        the slice it is logged into
     * @param source         client address and port
     * @param keyFingerprint SHA256 fingerprint of the admin key used
     * @param type           {@code console}, {@code exec}, {@code sftp}, {@code scp} or {@code none} (no channel yet)
     * @param command        the exec or scp command, empty otherwise
     * @param started        when the login succeeded
     * @param bytesIn        bytes received from the client
     * @param bytesOut       bytes sent to the client
     */
    record Session(long id, String sliceId, String source, String keyFingerprint, String type, String command, Instant started,
                   long bytesIn, long bytesOut) {
    }
}
