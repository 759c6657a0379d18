package eu.confine.oob.shell.client;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.apache.felix.gogo.runtime.CommandProcessorImpl;
import org.apache.felix.gogo.runtime.threadio.ThreadIOImpl;
import org.apache.felix.service.command.CommandSession;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

/** Every argument must reach a Karaf command as the same String, through the Gogo parser Karaf embeds. */
public class CommandLineQuotingTest {

    private static ThreadIOImpl threadIo;
    private static CommandSession session;

    /** The Gogo command the quoted line runs: returns its arguments as received. */
    public static final class Words {
        public List<Object> words(Object... args) {
            return Arrays.asList(args);
        }
    }

    @BeforeClass
    public static void startGogo() {
        threadIo = new ThreadIOImpl();
        threadIo.start();
        CommandProcessorImpl processor = new CommandProcessorImpl(threadIo);
        processor.addCommand("test", new Words(), "words");
        PrintStream sink = new PrintStream(new ByteArrayOutputStream());
        session = processor.createSession(new ByteArrayInputStream(new byte[0]), sink, sink);
    }

    @AfterClass
    public static void stopGogo() {
        session.close();
        threadIo.stop();
    }

    @Test
    public void trickyArgumentsArriveUnchanged() throws Exception {
        roundTrip("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIA alice@example.org", "it's", "'", "''", "a'b'c", "\\", "a\\'",
                "$HOME", "${x}", "$(id)", "`id`", "*", "~", "[a]", "{x}", "(x)", "a;b", "a|b", "a&b", "a>b", "<b", "#c",
                "\"q\"", "", " ", "new\nline", "tab\there", "--key=v", "-x", "null", "true", "123", "-1", "1.5", "a%b",
                "a=b", "ü€ 😀", "restrict,pty ssh-rsa AAAAB3 bob@host");
    }

    @Test
    public void randomArgumentsArriveUnchanged() throws Exception {
        Random random = new Random(42);
        String alphabet = " '\"\\$`*?~[]{}()<>|&;#=%@!^,.:-_\t\nabcXYZ019é€";
        for (int run = 0; run < 300; run++) {
            List<String> args = new ArrayList<>();
            for (int word = 1 + random.nextInt(4); word > 0; word--) {
                StringBuilder arg = new StringBuilder();
                for (int length = random.nextInt(12); length > 0; length--) {
                    arg.append(alphabet.charAt(random.nextInt(alphabet.length())));
                }
                args.add(arg.toString());
            }
            roundTrip(args.toArray(String[]::new));
        }
    }

    @Test
    public void plainCommandNameStaysBareAndTheRestIsQuoted() {
        assertThat(OobClient.commandLine(List.of("oob:info", "demo", "--timeout", "5")), is("oob:info 'demo' '--timeout' '5'"));
        assertThat(OobClient.commandLine(List.of("oob:keys", "demo", "--key", "ssh-ed25519 AAAA it's")),
                is("oob:keys 'demo' '--key' 'ssh-ed25519 AAAA it'\\''s'"));
    }

    private static void roundTrip(String... args) throws Exception {
        List<String> line = new ArrayList<>();
        line.add("test:words");
        line.addAll(Arrays.asList(args));
        String commandLine = OobClient.commandLine(line);
        Object received = session.execute(commandLine);
        assertThat(commandLine, received, is(Arrays.asList((Object[]) args)));
    }
}
