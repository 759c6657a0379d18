package eu.confine.oob.sshd.internal;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

import org.apache.sshd.common.config.keys.AuthorizedKeyEntry;
import org.junit.Test;

/** Each option of an authorized_keys line is enforced, and any other option makes the line invalid. */
public class KeyOptionsTest {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

    @Test
    public void restrictAndPtyAreReadInOrder() {
        assertTrue(options("restrict,pty").ptyAllowed());
        assertFalse(options("pty,restrict").ptyAllowed());
        assertFalse(options("restrict").ptyAllowed());
        assertFalse(options("restrict,pty,no-pty").ptyAllowed());
        assertTrue(options("no-port-forwarding,no-agent-forwarding,no-X11-forwarding,no-user-rc").ptyAllowed());
        assertTrue(KeyOptions.none().ptyAllowed());
    }

    @Test
    public void fromIsEnforced() {
        assertNull(options("restrict,pty,from=\"127.0.0.1\"").refusal(LOOPBACK, Clock.systemUTC()));
        assertThat(options("restrict,pty,from=\"10.0.0.0/8\"").refusal(LOOPBACK, Clock.systemUTC()),
                containsString("does not match from=\"10.0.0.0/8\""));
    }

    @Test
    public void expiryTimeIsLocalTimeUnlessItEndsInZ() {
        KeyOptions local = options("expiry-time=\"202601011200\"");
        KeyOptions utc = options("expiry-time=\"202601011200Z\"");
        // 11:30 UTC is 12:30 in Berlin (winter): past the local expiry, before the UTC one.
        Clock at = Clock.fixed(Instant.parse("2026-01-01T11:30:00Z"), BERLIN);
        assertThat(local.refusal(LOOPBACK, at), containsString("expired"));
        assertNull(utc.refusal(LOOPBACK, at));
        assertNull(local.refusal(LOOPBACK, Clock.fixed(Instant.parse("2026-01-01T10:59:59Z"), BERLIN)));
        assertNull(options("expiry-time=\"20260101\"").refusal(LOOPBACK, Clock.fixed(Instant.parse("2025-12-31T23:59:59Z"), ZoneOffset.UTC)));
        assertThat(options("expiry-time=\"20260101\"").refusal(LOOPBACK, Clock.fixed(Instant.parse("2026-01-01T00:00:01Z"), ZoneOffset.UTC)),
                containsString("expired"));
    }

    @Test
    public void anyOtherOptionOrMisuseMakesTheLineInvalid() {
        for (String invalid : new String[] {"command=\"/bin/true\"", "environment=\"A=b\"", "permitopen=\"host:22\"",
                "permitlisten=\"8080\"", "principals=\"x\"", "tunnel=\"0\"", "cert-authority", "agent-forwarding",
                "port-forwarding", "X11-forwarding", "user-rc", "no-touch-required", "verify-required",
                "from=\"127.0.0.1\",from=\"10.0.0.1\"", "pty=\"yes\"", "from", "expiry-time=\"2026\"",
                "expiry-time=\"20261301\"", "from=\"10.1.0.0/8\""}) {
            assertThrows(invalid, IllegalArgumentException.class, () -> options(invalid));
        }
    }

    /** The options of a real line, parsed by MINA as the front end does. */
    private static KeyOptions options(String text) {
        String line = text + " ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKGGpbjtUC4rp1uWcC8jVMMFpsRx8+97vxO9vIjwpC5y test";
        AuthorizedKeyEntry entry = AuthorizedKeyEntry.parseAuthorizedKeyEntry(line);
        return KeyOptions.parse(entry.getLoginOptions(), AuthorizedKeyEntry.resolveEntryComponents(line).getKey());
    }
}
