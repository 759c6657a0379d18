package eu.confine.oob.sshd.files;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;

import org.junit.Test;

/** Legacy scp requests, parsed without a shell. */
public class ScpRequestTest {

    @Test
    public void whatOpenSshSends() {
        assertEquals(new ScpRequest(true, false, false, false, "tmp/"), ScpRequest.parse("scp -t tmp/"));
        assertEquals(new ScpRequest(true, true, true, true, "tmp/d"), ScpRequest.parse("scp -r -p -d -t tmp/d"));
        assertEquals(new ScpRequest(false, false, false, false, "tmp/x"), ScpRequest.parse("scp -v -f tmp/x"));
        assertEquals(new ScpRequest(false, false, true, false, "-x"), ScpRequest.parse("scp -pf -- -x"));
    }

    @Test
    public void theRestOfTheLineIsThePathLiterally() {
        assertEquals("tmp/a b;rm -rf /;$(id)`id`'q'\"d\"", ScpRequest.parse("scp -t tmp/a b;rm -rf /;$(id)`id`'q'\"d\"").path());
        assertEquals("tmp/ lead", ScpRequest.parse("scp -f tmp/ lead").path());
    }

    @Test
    public void anythingElseIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> ScpRequest.parse("scp tmp/x"));
        assertThrows(IllegalArgumentException.class, () -> ScpRequest.parse("scp -t -f tmp/x"));
        assertThrows(IllegalArgumentException.class, () -> ScpRequest.parse("scp -t"));
        assertThrows(IllegalArgumentException.class, () -> ScpRequest.parse("scp -t "));
        assertThrows(IllegalArgumentException.class, () -> ScpRequest.parse("scp -S /bin/sh -t x"));
        assertThrows(IllegalArgumentException.class, () -> ScpRequest.parse("scpx -t x"));
        assertThrows(IllegalArgumentException.class, () -> ScpRequest.parse("sh -c 'scp -t x'"));
    }
}
