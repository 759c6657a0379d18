package eu.confine.oob.sshd.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/** Runs the real OpenSSH client against the front end under test: batch mode, one key, no host key checking. */
final class Ssh {

    private Ssh() {
    }

    /** {@code ssh -p PORT -i KEY [options...] USER@127.0.0.1}; append a command if needed. */
    static List<String> command(int port, Path key, String user, String... options) {
        List<String> argv = new ArrayList<>(List.of("ssh", "-p", Integer.toString(port), "-i", key.toString(),
                "-o", "BatchMode=yes", "-o", "IdentitiesOnly=yes", "-o", "StrictHostKeyChecking=no",
                "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR", "-o", "ConnectTimeout=10", "-e", "none"));
        argv.addAll(List.of(options));
        argv.add(user + "@127.0.0.1");
        return argv;
    }

    /** Runs a client to its end, with the given stdin (then EOF), within the time limit. */
    static SshResult run(List<String> argv, String stdin, Duration limit) throws IOException, InterruptedException {
        return run(argv, stdin, limit, Map.of());
    }

    /** Runs a client with extra variables in its environment. */
    static SshResult run(List<String> argv, String stdin, Duration limit, Map<String, String> env)
            throws IOException, InterruptedException {
        Process process = start(argv, env);
        CompletableFuture<String> out = drain(process.getInputStream());
        CompletableFuture<String> err = drain(process.getErrorStream());
        try (OutputStream in = process.getOutputStream()) {
            in.write(stdin.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            // The client may exit before reading its stdin (a refused login): what it printed tells why.
        }
        if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            throw new AssertionError("ssh did not end within " + limit + ": " + argv);
        }
        try {
            return new SshResult(process.exitValue(), out.get(5, TimeUnit.SECONDS), err.get(5, TimeUnit.SECONDS));
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new AssertionError("ssh output lost: " + e, e);
        }
    }

    static Process start(List<String> argv, Map<String, String> env) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(argv);
        builder.environment().remove("SSH_AUTH_SOCK");
        builder.environment().put("LANG", "C");
        builder.environment().putAll(env);
        return builder.start();
    }

    private static CompletableFuture<String> drain(InputStream stream) {
        CompletableFuture<String> text = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (stream) {
                text.complete(new String(stream.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                text.completeExceptionally(e);
            }
        }, "ssh-output");
        reader.setDaemon(true);
        reader.start();
        return text;
    }
}
