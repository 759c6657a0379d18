package eu.confine.oob.itests;

import static org.hamcrest.CoreMatchers.is;
import static org.hamcrest.CoreMatchers.startsWith;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertThat;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * The unpacked distribution as an operator runs it: {@code bin/karaf} in the background and
 * {@code bin/oob} from the host shell, many times in a row, with private records, homes and socket.
 */
public class DistributionIT {

    private static final Duration BOOT = Duration.ofSeconds(120);
    private static final Duration COMMAND = Duration.ofSeconds(60);

    private static Path base;
    private static Path home;
    private static Process karaf;

    @BeforeClass
    public static void startKaraf() throws Exception {
        String distribution = System.getProperty("confine.oob.distribution");
        assertNotNull("system property confine.oob.distribution names the distribution tar.gz", distribution);
        base = Files.createTempDirectory("oob-distribution-it");
        assertThat(run(List.of("tar", "-xzf", distribution, "-C", base.toString()), base).status, is(0));
        try (Stream<Path> unpacked = Files.list(base)) {
            home = unpacked.filter(Files::isDirectory).findFirst().orElseThrow();
        }
        Path state = Files.createDirectories(base.resolve("state"));
        Files.createDirectories(state.resolve("home"));
        configure("eu.confine.oob.records", "directory = " + state.resolve("records"));
        for (String pid : List.of("eu.confine.oob.users", "eu.confine.oob.keys", "eu.confine.oob.mounts")) {
            configure(pid, "homeBase = " + state.resolve("home"));
        }
        configure("eu.confine.oob.shell", "socketPath = " + state.resolve("run/control.sock"));
        ProcessBuilder builder = new ProcessBuilder(home.resolve("bin/karaf").toString(), "server").directory(home.toFile());
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.redirectErrorStream(true).redirectOutput(state.resolve("karaf.out").toFile());
        karaf = builder.start();
        awaitOobAnswers();
    }

    @AfterClass
    public static void stopKarafAndCleanUp() throws Exception {
        try {
            if (karaf != null) {
                run(List.of(home.resolve("bin/stop").toString()), home);
                if (!karaf.waitFor(60, TimeUnit.SECONDS)) {
                    karaf.descendants().forEach(ProcessHandle::destroyForcibly);
                    karaf.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
                }
            }
        } finally {
            if (base != null) {
                try (Stream<Path> files = Files.walk(base)) {
                    for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                        Files.delete(file);
                    }
                }
            }
        }
    }

    @Test
    public void listAnswersCompletelyHundredTimesInARow() throws Exception {
        Result first = oob("oob:list");
        String[] lines = first.out.split("\n", -1);
        assertEquals("header, separator, no sliver:\n" + first.out, 3, lines.length);
        assertThat(lines[0], startsWith("Slice id | Container | Running | "));
        assertThat(lines[1], startsWith("---------+-----------+---------+"));
        for (int run = 1; run <= 100; run++) {
            Result result = oob("oob:list");
            assertEquals("run " + run + " stderr", "", result.err);
            assertEquals("run " + run + " stdout", first.out, result.out);
            assertEquals("run " + run + " exit status", 0, result.status);
        }
    }

    @Test
    public void failingCommandExitsNonZeroWithOneLine() throws Exception {
        Result unknown = oob("oob:info", "nosuchslice");
        assertEquals("", unknown.out);
        assertEquals("slice nosuchslice: no such sliver on this node\n", unknown.err);
        assertEquals(1, unknown.status);

        Result badId = oob("oob:deploy", "--key", "ssh-ed25519 AAAA it's mine", "Root;x");
        assertEquals("", badId.out);
        assertEquals("slice Root;x: slice id must be lowercase letters, digits, '_' or '-', not starting with '-'\n", badId.err);
        assertEquals(1, badId.status);

        Result noCommand = oob("oob:nosuch");
        assertEquals("Command not found: oob:nosuch\n", noCommand.err);
        assertEquals(1, noCommand.status);
    }

    private static void configure(String pid, String line) throws IOException {
        Files.writeString(home.resolve("etc/" + pid + ".cfg"), "# written by DistributionIT\n" + line + "\n");
    }

    /** Runs {@code bin/oob} until it answers; each try starts a JVM, which paces the loop. */
    private static void awaitOobAnswers() throws Exception {
        Instant deadline = Instant.now().plus(BOOT);
        Result last = null;
        while (Instant.now().isBefore(deadline)) {
            assertTrue("Karaf is running (see " + base.resolve("state/karaf.out") + ")", karaf.isAlive());
            last = oob("oob:list");
            if (last.status == 0) {
                return;
            }
            assertThat("bin/oob found its jar", last.err, startsWith("oob: cannot connect to "));
            karaf.waitFor(200, TimeUnit.MILLISECONDS);
        }
        fail("bin/oob oob:list did not answer within " + BOOT + ": " + last);
    }

    private static Result oob(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(home.resolve("bin/oob").toString()));
        command.addAll(List.of(args));
        return run(command, base);
    }

    private static Result run(List<String> command, Path directory) throws Exception {
        Path out = Files.createTempFile(base, "out", ".txt");
        Path err = Files.createTempFile(base, "err", ".txt");
        try {
            ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile())
                    .redirectInput(new File("/dev/null")).redirectOutput(out.toFile()).redirectError(err.toFile());
            builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
            Process process = builder.start();
            if (!process.waitFor(COMMAND.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
                fail(command + " did not finish within " + COMMAND);
            }
            return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.delete(out);
            Files.delete(err);
        }
    }

    private record Result(int status, String out, String err) {
    }
}
