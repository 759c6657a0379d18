package eu.confine.oob.sshd.files;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The real OpenSSH clients (and sshfs) pointed at the test server, with a deadline per run. */
final class Clients {

    static final int DEADLINE_SECONDS = 60;

    private final TestSshServer server;
    private final SliverFixture sliver;

    Clients(TestSshServer server, SliverFixture sliver) {
        this.server = server;
        this.sliver = sliver;
    }

    private List<String> options() {
        return List.of("-F", "/dev/null", "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
                "-o", "BatchMode=yes", "-o", "IdentitiesOnly=yes", "-o", "LogLevel=ERROR",
                "-i", server.clientKey.toString());
    }

    String remote(String path) {
        return sliver.user + "@127.0.0.1:" + path;
    }

    /** {@code sftp -b} with the given batch lines. */
    Host.Result sftp(String... batch) throws IOException {
        Path file = Files.createTempFile(sliver.base, "batch", ".txt");
        Files.write(file, List.of(batch));
        List<String> argv = new ArrayList<>(List.of("sftp", "-b", file.toString(), "-P", Integer.toString(server.port())));
        argv.addAll(options());
        argv.add(sliver.user + "@127.0.0.1");
        try {
            return Host.run(argv, null, DEADLINE_SECONDS);
        } finally {
            Files.delete(file);
        }
    }

    /** {@code scp} (SFTP protocol) or {@code scp -O} (legacy protocol). */
    Host.Result scp(boolean legacy, String... paths) {
        List<String> argv = new ArrayList<>(List.of("scp", "-q"));
        if (legacy) {
            argv.add("-O");
        }
        argv.addAll(List.of("-P", Integer.toString(server.port())));
        argv.addAll(options());
        argv.addAll(List.of(paths));
        return Host.run(argv, null, DEADLINE_SECONDS);
    }

    /** {@code ssh} with a command. */
    Host.Result ssh(String command) {
        List<String> argv = new ArrayList<>(List.of("ssh", "-p", Integer.toString(server.port())));
        argv.addAll(options());
        argv.addAll(List.of(sliver.user + "@127.0.0.1", command));
        return Host.run(argv, null, DEADLINE_SECONDS);
    }

    /** Mounts the sliver's tmp with sshfs. */
    void sshfs(Path mountPoint) {
        List<String> argv = new ArrayList<>(List.of("sshfs", "-p", Integer.toString(server.port()), "-F", "/dev/null",
                "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "BatchMode=yes",
                "-o", "IdentitiesOnly=yes", "-o", "IdentityFile=" + server.clientKey,
                remote("tmp"), mountPoint.toString()));
        Host.run(argv, null, DEADLINE_SECONDS).check("sshfs");
    }

    static void unmount(Path mountPoint) {
        if (Host.run(List.of("fusermount3", "-u", mountPoint.toString()), null, DEADLINE_SECONDS).status() != 0) {
            Host.run(List.of("fusermount3", "-uz", mountPoint.toString()), null, DEADLINE_SECONDS);
        }
    }
}
