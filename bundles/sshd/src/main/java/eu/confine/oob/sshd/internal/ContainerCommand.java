package eu.confine.oob.sshd.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import org.apache.sshd.server.Environment;
import org.apache.sshd.server.Signal;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.AbstractCommandSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import eu.confine.oob.api.ContainerProcess;
import eu.confine.oob.api.Containers;
import eu.confine.oob.api.SliceId;
import eu.confine.oob.api.SliverRecord;
import eu.confine.oob.api.SliverRecords;
import eu.confine.oob.api.TerminalSize;

/**
 * A process in the slice's running sliver wired to an SSH channel: stdin, stdout and stderr streamed with flow
 * control, the terminal size followed, the exit status returned. A stopped or missing sliver gets one line saying
 * so and exit status 1. The process is destroyed when the channel closes.
 */
abstract class ContainerCommand extends AbstractCommandSupport {

    private static final Logger LOG = LoggerFactory.getLogger(ContainerCommand.class);
    /** How long output may stay silent after the process ended before the channel is closed anyway. */
    private static final Duration OUTPUT_GRACE = Duration.ofSeconds(1);

    private final Containers containers;
    private final SliverRecords records;
    private final SliceId sliceId;
    private final Optional<TerminalSize> terminal;
    private volatile ContainerProcess process;

    ContainerCommand(String command, Containers containers, SliverRecords records, SliceId sliceId,
            Optional<TerminalSize> terminal) {
        super(command, null);
        this.containers = containers;
        this.records = records;
        this.sliceId = sliceId;
        this.terminal = terminal;
    }

    /** Starts the process in the running container. */
    abstract ContainerProcess start(Containers containers, String container, Map<String, String> env) throws IOException;

    /** What the process is, for messages: {@code console} or {@code command}. */
    abstract String what();

    SliceId sliceId() {
        return sliceId;
    }

    Optional<TerminalSize> terminal() {
        return terminal;
    }

    @Override
    public void run() {
        int status = 1;
        try {
            status = execute();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException | RuntimeException e) {
            if (Thread.currentThread().isInterrupted()) {
                LOG.debug("slice {}: {} ended with its channel: {}", sliceId, what(), e.getMessage());
            } else {
                LOG.warn("slice {}: {} failed: {}", sliceId, what(), e.getMessage(), e);
                message("slice " + sliceId + ": the " + what() + " failed: " + e.getMessage());
            }
        } finally {
            ContainerProcess running = process;
            if (running != null && running.isAlive()) {
                running.destroy();
            }
            onExit(status);
        }
    }

    @Override
    public void destroy(ChannelSession channel) throws Exception {
        ContainerProcess running = process;
        if (running != null && running.isAlive()) {
            running.destroy();
        }
        super.destroy(channel);
    }

    private int execute() throws IOException, InterruptedException {
        String container = records.find(sliceId).map(SliverRecord::container).orElse(null);
        if (container == null || !containers.isRunning(container)) {
            message(RefusalCommand.notRunning(sliceId));
            return 1;
        }
        ContainerProcess started;
        try {
            started = start(containers, container, terminalVariables(getEnvironment()));
        } catch (IOException e) {
            message(containers.isRunning(container) ? "slice " + sliceId + ": cannot start the " + what() + ": " + e.getMessage()
                    : RefusalCommand.notRunning(sliceId));
            return 1;
        }
        process = started;
        if (terminal.isPresent()) {
            getEnvironment().addSignalListener((channel, signal) -> resize(started), Signal.WINCH);
        }
        StreamPump.start("oob-ssh-" + sliceId + "-in", getInputStream(), started.stdin(), terminal.isEmpty());
        StreamPump out = StreamPump.start("oob-ssh-" + sliceId + "-out", started.stdout(), getOutputStream(), false);
        StreamPump err = StreamPump.start("oob-ssh-" + sliceId + "-err", started.stderr(), getErrorStream(), false);
        int status = started.waitFor();
        out.awaitEnd(OUTPUT_GRACE);
        err.awaitEnd(OUTPUT_GRACE);
        return status;
    }

    private void resize(ContainerProcess target) {
        Map<String, String> env = getEnvironment().getEnv();
        try {
            target.resize(SliverChannel.sizeOf(Integer.parseInt(env.getOrDefault(Environment.ENV_COLUMNS, "0")),
                    Integer.parseInt(env.getOrDefault(Environment.ENV_LINES, "0"))));
        } catch (NumberFormatException e) {
            LOG.debug("slice {}: unreadable window size ignored", sliceId);
        }
    }

    /** One line on the client's stderr (with CR LF under a terminal, which is in raw mode). */
    void message(String line) {
        OutputStream err = getErrorStream();
        try {
            err.write((line + (terminal.isPresent() ? "\r\n" : "\n")).getBytes(StandardCharsets.UTF_8));
            err.flush();
        } catch (IOException e) {
            LOG.debug("slice {}: message not delivered, the channel is gone: {}", sliceId, line);
        }
    }

    private static Map<String, String> terminalVariables(Environment environment) {
        Map<String, String> kept = new LinkedHashMap<>();
        environment.getEnv().forEach((name, value) -> {
            if (SliverChannel.isTerminalVariable(name)) {
                kept.put(name, value);
            }
        });
        return kept;
    }
}
