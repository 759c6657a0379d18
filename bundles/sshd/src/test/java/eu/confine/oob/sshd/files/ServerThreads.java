package eu.confine.oob.sshd.files;

import java.util.List;

/** The threads the server runs file transfers on (MINA names them {@code sshd-<name>-<n>-thread-<k>}). */
final class ServerThreads {

    private ServerThreads() {
    }

    /** SFTP subsystem and legacy scp threads alive now. */
    static List<Thread> now() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().contains("SliverSftpSubsystem-") || t.getName().contains("sliver-scp-"))
                .toList();
    }
}
