package eu.confine.oob.sshd.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.net.InetAddress;

import org.junit.Test;

/** from="pattern-list" as OpenSSH reads it without DNS: addresses, networks, wildcards, negation. */
public class FromPatternsTest {

    private static final InetAddress LOOPBACK = address("127.0.0.1");
    private static final InetAddress LAN = address("192.168.1.20");
    private static final InetAddress V6 = address("2001:db8::5");

    @Test
    public void addressesAndNetworks() {
        assertTrue(FromPatterns.allows("127.0.0.1", LOOPBACK));
        assertFalse(FromPatterns.allows("127.0.0.2", LOOPBACK));
        assertTrue(FromPatterns.allows("10.0.0.0/8,127.0.0.0/8", LOOPBACK));
        assertFalse(FromPatterns.allows("10.0.0.0/8", LOOPBACK));
        assertTrue(FromPatterns.allows("192.168.0.0/16", LAN));
        assertTrue(FromPatterns.allows("0.0.0.0/0", LAN));
        assertTrue(FromPatterns.allows("2001:db8::/32", V6));
        assertFalse(FromPatterns.allows("2001:db8::/32", LOOPBACK));
        assertFalse(FromPatterns.allows("127.0.0.0/8", V6));
    }

    @Test
    public void wildcardsMatchTheAddressText() {
        assertTrue(FromPatterns.allows("127.0.0.*", LOOPBACK));
        assertTrue(FromPatterns.allows("192.168.1.?0", LAN));
        assertFalse(FromPatterns.allows("192.168.1.?", LAN));
        assertTrue(FromPatterns.allows("*", LAN));
        assertTrue(FromPatterns.allows("2001:db8::*", V6));
    }

    @Test
    public void hostNamesNeverMatchForThereIsNoReverseDns() {
        assertFalse(FromPatterns.allows("localhost", LOOPBACK));
        assertFalse(FromPatterns.allows("*.example.org", LAN));
    }

    @Test
    public void aNegatedMatchWinsOverAnyPositiveOne() {
        assertFalse(FromPatterns.allows("*,!192.168.0.0/16", LAN));
        assertFalse(FromPatterns.allows("!192.168.1.*,192.168.1.20", LAN));
        assertTrue(FromPatterns.allows("*,!192.168.0.0/16", LOOPBACK));
        assertFalse("only negations: nothing positive", FromPatterns.allows("!10.0.0.0/8", LOOPBACK));
    }

    @Test
    public void invalidListsAreErrorsWhoeverConnects() {
        for (String invalid : new String[] {"10.1.2.3/8", "10.0.0.0/33", "10.0.0.0/x", "a/8", "127.0.0.1,,*", "!", "!127.0.0.1,10.1.0.0/8"}) {
            assertThrows(invalid, IllegalArgumentException.class, () -> FromPatterns.allows(invalid, LOOPBACK));
        }
    }

    @Test
    public void addressesAreWrittenAsOpenSshWritesThem() {
        assertEquals("127.0.0.1", FromPatterns.text(LOOPBACK));
        assertEquals("2001:db8::5", FromPatterns.text(V6));
        assertEquals("::1", FromPatterns.text(address("::1")));
        assertEquals("fe80::1:0:0:2", FromPatterns.text(address("fe80:0:0:0:1:0:0:2")));
        assertEquals("1::", FromPatterns.text(address("1:0:0:0:0:0:0:0")));
    }

    private static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
