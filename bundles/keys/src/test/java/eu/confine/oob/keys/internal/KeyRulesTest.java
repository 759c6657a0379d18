package eu.confine.oob.keys.internal;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.Assert.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;

import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.junit.ClassRule;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import eu.confine.oob.api.AdminKeyPolicy.KeyCheck;
import eu.confine.oob.api.host.HostCommand;

/** The key policy on real keys made by ssh-keygen and the JDK. */
public class KeyRulesTest {

    @ClassRule
    public static final TestKeys KEYS = new TestKeys();

    @Rule
    public TemporaryFolder temp = new TemporaryFolder();

    private final KeyRules rules = new KeyRules();

    @Test
    public void everyAcceptedTypeBecomesOneRestrictedLine() throws IOException {
        for (String name : List.of("ed25519", "ecdsa256", "ecdsa384", "ecdsa521", "rsa2048")) {
            KeyCheck check = rules.check(List.of(KEYS.line(name)));
            assertThat(name, check.rejected(), empty());
            assertThat(check.accepted(), contains("restrict,pty " + KEYS.typeAndBlob(name) + " " + name));
        }
    }

    @Test
    public void weakUnknownAndBrokenKeysAreRejectedAndTheValidOnesKept() throws IOException {
        KeyCheck check = rules.check(List.of(KEYS.line("dsa"), KEYS.line("ed25519"), KEYS.line("rsa1024"),
                KEYS.certificateLine(), "ssh-foo AAAAB3NzaC1yc2EAAAADAQABAAABAQ foo", "not a key at all",
                "ssh-rsa " + KEYS.typeAndBlob("ed25519").split(" ")[1] + " swapped",
                KEYS.typeAndBlob("rsa2048").substring(0, 200) + " truncated", KEYS.line("ecdsa256")));

        assertThat(check.accepted(), contains("restrict,pty " + KEYS.typeAndBlob("ed25519") + " ed25519",
                "restrict,pty " + KEYS.typeAndBlob("ecdsa256") + " ecdsa256"));
        List<String> rejected = check.rejected();
        assertThat(rejected, hasSize(7));
        assertThat(rejected.get(0), containsString("key 'dsa' (#1): DSA keys are not accepted"));
        assertThat(rejected.get(1), containsString("key 'rsa1024' (#3): RSA key of 1024 bits"));
        assertThat(rejected.get(2), containsString("ssh-ed25519-cert-v01@openssh.com' is not accepted"));
        assertThat(rejected.get(3), containsString("key 'foo' (#5): key type 'ssh-foo' is not accepted"));
        assertThat(rejected.get(4), containsString("key #6: not an OpenSSH public key line"));
        assertThat(rejected.get(5), containsString("'swapped' (#7)"));
        assertThat(rejected.get(6), containsString("'truncated' (#8)"));
    }

    @Test
    public void rsaNeedsAtLeast2048Bits() throws NoSuchAlgorithmException {
        KeyCheck check = rules.check(List.of(rsa(2047) + " short", rsa(2048) + " enough"));
        assertThat(check.rejected(), contains("key 'short' (#1): RSA key of 2047 bits (accepted: 2048 to 16384)"));
        assertThat(check.accepted(), hasSize(1));
        assertThat(check.accepted().get(0), containsString(" enough"));
    }

    @Test
    public void linesWithLineBreaksOrNulAreRejected() throws IOException {
        String key = KEYS.line("ed25519");
        KeyCheck check = rules.check(List.of(key + "\n" + KEYS.line("ecdsa256"), key + "\r", "\0" + key, key + " a\0b"));
        assertThat(check.accepted(), empty());
        assertThat(check.rejected(), contains("key #1: the line contains a line break or NUL",
                "key #2: the line contains a line break or NUL", "key #3: the line contains a line break or NUL",
                "key #4: the line contains a line break or NUL"));
    }

    @Test
    public void duplicatesCollapseIntoTheFirst() throws IOException {
        String blob = KEYS.typeAndBlob("ed25519");
        KeyCheck check = rules.check(List.of(blob + " first", "no-pty " + blob + " second", blob, "# a comment line", ""));
        assertThat(check.accepted(), contains("restrict,pty " + blob + " first"));
        assertThat(check.rejected(), empty());
    }

    @Test
    public void fromExpiryTimeAndNoPtyAreKeptInOneOrder() throws IOException {
        String blob = KEYS.typeAndBlob("ecdsa384");
        KeyCheck check = rules.check(List.of(
                "No-Pty,expiry-time=\"209912312359\",FROM=\"10.0.0.0/8,*.example.org,!bad.example.org\" " + blob + " a",
                "from=\"192.0.2.1\" " + KEYS.line("ed25519")));
        assertThat(check.rejected(), empty());
        assertThat(check.accepted(), contains(
                "restrict,pty,from=\"10.0.0.0/8,*.example.org,!bad.example.org\",expiry-time=\"209912312359\",no-pty "
                        + blob + " a",
                "restrict,pty,from=\"192.0.2.1\" " + KEYS.typeAndBlob("ed25519") + " ed25519"));
    }

    @Test
    public void optionsThatRestrictPtyImpliesAreDropped() throws IOException {
        KeyCheck check = rules.check(List.of("restrict,pty,no-port-forwarding,no-agent-forwarding,no-X11-forwarding,"
                + "no-user-rc " + KEYS.line("rsa2048")));
        assertThat(check.rejected(), empty());
        assertThat(check.accepted(), contains("restrict,pty " + KEYS.typeAndBlob("rsa2048") + " rsa2048"));
    }

    @Test
    public void everyOtherOptionRejectsTheKey() throws IOException {
        List<String> options = List.of("command=\"/bin/sh\"", "environment=\"LD_PRELOAD=/x.so\"", "permitopen=\"h:22\"",
                "permitlisten=\"8080\"", "tunnel=\"0\"", "principals=\"admin\"", "cert-authority", "port-forwarding",
                "agent-forwarding", "X11-forwarding", "user-rc", "no-touch-required", "verify-required", "!restrict");
        List<String> lines = new ArrayList<>();
        for (String option : options) {
            lines.add(option + " " + KEYS.line("ed25519"));
        }
        KeyCheck check = rules.check(lines);
        assertThat(check.accepted(), empty());
        assertThat(check.rejected(), hasSize(options.size()));
        for (int i = 0; i < options.size(); i++) {
            assertThat(check.rejected().get(i), containsString("key 'ed25519' (#" + (i + 1) + "): option '"));
            assertThat(check.rejected().get(i), containsString("is not allowed"));
        }
    }

    @Test
    public void keptOptionsWithBadValuesRejectTheKey() throws IOException {
        String key = KEYS.line("ecdsa256");
        KeyCheck check = rules.check(List.of(
                "from=\"a b\" " + key,
                "from=\"x\\\",command=\\\"sh\" " + key,
                "from " + key,
                "from=\"a\",from=\"b\" " + key,
                "expiry-time=\"20251301\" " + key,
                "expiry-time=\"2025\" " + key,
                "expiry-time=\"20250101\",expiry-time=\"20990101\" " + key,
                "restrict=\"x\" " + key));
        assertThat(check.accepted(), empty());
        assertThat(check.rejected(), hasSize(8));
        assertThat(check.rejected().get(0), containsString("option from has an invalid value"));
        assertThat(check.rejected().get(2), containsString("option from needs a value"));
        assertThat(check.rejected().get(3), containsString("option from is given more than once"));
        assertThat(check.rejected().get(4), containsString("option expiry-time is not a date"));
        assertThat(check.rejected().get(5), containsString("option expiry-time has an invalid value"));
        assertThat(check.rejected().get(6), containsString("option expiry-time is given more than once"));
        assertThat(check.rejected().get(7), containsString("option restrict takes no value"));
    }

    @Test
    public void commentsAreSanitisedAndOptional() throws IOException {
        String blob = KEYS.typeAndBlob("ed25519");
        KeyCheck check = rules.check(List.of(blob + "   alice\t\tat  lab \u0007 jos\u00e9 \u202e", KEYS.typeAndBlob("ecdsa521")));
        assertThat(check.accepted(), contains("restrict,pty " + blob + " alice at lab ? jos? ?",
                "restrict,pty " + KEYS.typeAndBlob("ecdsa521")));
    }

    @Test
    public void stockOpenSshReadsEveryRenderedLine() throws IOException {
        List<String> names = List.of("ed25519", "ecdsa256", "ecdsa384", "ecdsa521", "rsa2048");
        List<String> lines = new ArrayList<>();
        for (String name : names) {
            lines.add("from=\"10.1.2.0/24\",expiry-time=\"20991231\",no-pty,restrict " + KEYS.line(name) + " \u0007x");
        }
        KeyCheck check = rules.check(lines);
        assertThat(check.rejected(), empty());
        Path file = temp.newFile("authorized_keys").toPath();
        Files.writeString(file, AuthorizedKeysFile.render(check.accepted()));

        List<String> listed = fingerprints(file);
        List<String> expected = new ArrayList<>();
        for (String name : names) {
            expected.addAll(fingerprints(KEYS.pub(name)));
        }
        assertEquals(expected, listed);
    }

    /** The SHA256 fingerprints ssh-keygen -l lists for a file, one per key it could read. */
    private static List<String> fingerprints(Path file) {
        return HostCommand.of("ssh-keygen", "-l", "-f", file.toString()).check().lines()
                .map(line -> line.split(" ")[1]).toList();
    }

    private static String rsa(int bits) throws NoSuchAlgorithmException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(bits);
        PublicKey key = generator.generateKeyPair().getPublic();
        return PublicKeyEntry.toString(key);
    }
}
