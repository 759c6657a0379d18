package eu.confine.oob.api.host;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Runs a host tool as an argument list (never through a shell), with an empty environment but
 * {@code PATH} and {@code LANG=C}, a bounded run time, and its output captured.
 */
public final class HostCommand {

    private static final String PATH = "/usr/sbin:/usr/bin:/sbin:/bin";

    private final List<String> argv;
    private final Duration timeout;

    private HostCommand(List<String> argv, Duration timeout) {
        this.argv = List.copyOf(argv);
        this.timeout = timeout;
    }

    /** A command with the default time limit of 30 seconds. */
    public static HostCommand of(String... argv) {
        return new HostCommand(List.of(argv), Duration.ofSeconds(30));
    }

    /** The same command with another time limit. */
    public HostCommand timeout(Duration limit) {
        return new HostCommand(argv, limit);
    }

    /** Runs the command and returns its result, whatever its exit status. */
    public Result run() {
        ProcessBuilder builder = new ProcessBuilder(argv).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        builder.environment().clear();
        builder.environment().put("PATH", PATH);
        builder.environment().put("LANG", "C");
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new HostCommandException(this + ": cannot start: " + e.getMessage(), e);
        }
        CompletableFuture<String> out = drain(process.getInputStream());
        CompletableFuture<String> err = drain(process.getErrorStream());
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new HostCommandException(this + ": no answer within " + timeout.toSeconds() + " s", null);
            }
            return new Result(process.exitValue(), out.get(), err.get());
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new HostCommandException(this + ": interrupted", e);
        } catch (ExecutionException e) {
            throw new HostCommandException(this + ": output lost: " + e.getCause(), e.getCause());
        }
    }

    /**
     * Runs the command and returns its standard output.
     *
     * @throws HostCommandException if it exits non-zero, with its standard error
     */
    public String check() {
        Result result = run();
        if (result.status() != 0) {
            throw new HostCommandException(this + " exited " + result.status() + ": " + result.stderr().strip(), null);
        }
        return result.stdout();
    }

    @Override
    public String toString() {
        return String.join(" ", argv);
    }

    private static CompletableFuture<String> drain(InputStream stream) {
        // A thread of its own per stream: a shared pool can starve and leave the child blocked on a full pipe.
        CompletableFuture<String> text = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (stream) {
                text.complete(new String(stream.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                text.completeExceptionally(new UncheckedIOException(e));
            }
        }, "host-command-output");
        reader.setDaemon(true);
        reader.start();
        return text;
    }

    /** What a finished command left. */
    public record Result(int status, String stdout, String stderr) {
    }
}
