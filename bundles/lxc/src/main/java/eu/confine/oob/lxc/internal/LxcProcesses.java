package eu.confine.oob.lxc.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

import com.pty4j.PtyProcess;
import com.pty4j.PtyProcessBuilder;
import com.pty4j.WinSize;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import eu.confine.oob.api.ContainerProcess;
import eu.confine.oob.api.TerminalSize;

/**
 * Starts {@code lxc-console} and {@code lxc-attach}: under a real pseudo-terminal (pty4j) when the client
 * has one, with plain pipes otherwise. The host-side environment is cleared; only terminal variables pass.
 */
final class LxcProcesses {

    private static final Logger LOG = LoggerFactory.getLogger(LxcProcesses.class);

    private static final String PATH = "/usr/sbin:/usr/bin:/sbin:/bin";

    private final List<String> lxcpathArgs;

    LxcProcesses(List<String> lxcpathArgs) {
        this.lxcpathArgs = List.copyOf(lxcpathArgs);
    }

    /**
     * Starts {@code lxc-console}; a resize goes to its terminal and, when given, to the container's own console
     * terminal, which is closed when {@code lxc-console} ends.
     */
    ContainerProcess console(String name, TerminalSize size, Map<String, String> env, Optional<ConsoleTerminal> console)
            throws IOException {
        List<String> command = new ArrayList<>(List.of("lxc-console", "-n", name));
        command.addAll(lxcpathArgs);
        command.addAll(List.of("-t", "0"));
        PtyProcess process;
        try {
            process = startPty(command, terminalEnv(env), size);
        } catch (IOException | RuntimeException e) {
            console.ifPresent(ConsoleTerminal::close);
            throw e;
        }
        if (console.isEmpty()) {
            return new HostProcess(process, resizer(process));
        }
        ConsoleTerminal terminal = console.get();
        process.onExit().thenRun(terminal::close);
        return new HostProcess(process, newSize -> {
            resizer(process).accept(newSize);
            try {
                terminal.resize(newSize);
            } catch (IOException e) {
                LOG.debug("container {}: console not resized: {}", name, e.getMessage());
            }
        });
    }

    ContainerProcess attach(String name, List<String> argv, Map<String, String> env, Optional<TerminalSize> pty) throws IOException {
        if (argv.isEmpty()) {
            throw new IOException("container " + name + ": no command to run");
        }
        List<String> command = new ArrayList<>(List.of("lxc-attach", "-n", name));
        command.addAll(lxcpathArgs);
        command.add("--clear-env");
        for (Map.Entry<String, String> variable : terminalEnv(env).entrySet()) {
            if (!variable.getKey().equals("PATH")) {
                command.addAll(List.of("-v", variable.getKey() + "=" + variable.getValue()));
            }
        }
        command.add("--");
        command.addAll(argv);
        if (pty.isPresent()) {
            PtyProcess process = startPty(command, terminalEnv(env), pty.get());
            return new HostProcess(process, resizer(process));
        }
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().clear();
        builder.environment().put("PATH", PATH);
        return new HostProcess(builder.start(), size -> {
            // No terminal, nothing to resize.
        });
    }

    /** PATH for the host tool, and of the client's variables only TERM, LANG and LC_*, with sane values. */
    static Map<String, String> terminalEnv(Map<String, String> requested) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", PATH);
        requested.forEach((key, value) -> {
            boolean allowed = key.equals("TERM") || key.equals("LANG") || key.startsWith("LC_");
            if (allowed && key.matches("[A-Z_]{1,32}") && value != null && value.matches("[A-Za-z0-9._@+-]{1,64}")) {
                env.put(key, value);
            }
        });
        env.putIfAbsent("TERM", "vt100");
        return env;
    }

    private static PtyProcess startPty(List<String> command, Map<String, String> env, TerminalSize size) throws IOException {
        return new PtyProcessBuilder(command.toArray(String[]::new))
                .setEnvironment(env)
                .setInitialColumns(size.columns())
                .setInitialRows(size.rows())
                .setRedirectErrorStream(true)
                .start();
    }

    private static Consumer<TerminalSize> resizer(PtyProcess process) {
        return newSize -> process.setWinSize(new WinSize(newSize.columns(), newSize.rows()));
    }

    /** A started host process; with a terminal, stderr is merged into stdout and the size can follow the client. */
    private record HostProcess(Process process, Consumer<TerminalSize> resizer) implements ContainerProcess {
        @Override
        public OutputStream stdin() {
            return process.getOutputStream();
        }

        @Override
        public InputStream stdout() {
            return process.getInputStream();
        }

        @Override
        public InputStream stderr() {
            return process.getErrorStream();
        }

        @Override
        public void resize(TerminalSize size) {
            if (process.isAlive()) {
                resizer.accept(size);
            }
        }

        @Override
        public int waitFor() throws InterruptedException {
            return process.waitFor();
        }

        @Override
        public boolean isAlive() {
            return process.isAlive();
        }

        @Override
        public void destroy() {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
    }
}
