package eu.confine.oob.api;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;

import org.junit.Test;

public class SliceIdTest {

    @Test
    public void confineHexIdIsItsOwnUserName() {
        SliceId id = SliceId.of("0a1b2c3d4e5f");
        assertEquals("0a1b2c3d4e5f", id.value());
        assertEquals("0a1b2c3d4e5f", id.userName());
    }

    @Test
    public void allDigitIdMapsToPrefixedUserNameAndBack() {
        SliceId id = SliceId.of("000000000042");
        assertEquals("slice000000000042", id.userName());
        assertEquals(id, SliceId.ofUserName("slice000000000042"));
        assertEquals(SliceId.of("demo"), SliceId.ofUserName("demo"));
    }

    @Test
    public void mappedNamesAreNotAcceptedAsRawIds() {
        assertRejected("slice42", "reserved");
    }

    @Test
    public void acceptsPortableNames() {
        for (String ok : new String[] {"a", "demo_1", "x-y", "_svc", "abcdefghijklmnopqrstuvwxyz012345"}) {
            assertEquals(ok, SliceId.of(ok).userName());
        }
    }

    @Test
    public void rejectsUnsafeNames() {
        for (String bad : new String[] {"..", "../etc", "a/b", "-rf", "Demo", "a b", "a;rm -rf /", "$(id)", "a`b`",
                "x\ny", "é", "a.b", "a:b", "a*"}) {
            assertRejected(bad, "lowercase letters");
        }
    }

    @Test
    public void rejectsMissingAndTooLong() {
        assertRejected(null, "missing");
        assertRejected("", "missing");
        assertRejected("abcdefghijklmnopqrstuvwxyz0123456", "longer than 32");
        assertRejected("1234567890123456789012345678", "longer than 32");
    }

    @Test
    public void controlCharactersAreShownEscaped() {
        InvalidSliverRequestException e = assertThrows(InvalidSliverRequestException.class, () -> SliceId.of("a\u001b[31m"));
        assertEquals("a\\x1b[31m", e.sliceId());
    }

    private static void assertRejected(String raw, String reason) {
        InvalidSliverRequestException e = assertThrows(InvalidSliverRequestException.class, () -> SliceId.of(raw));
        assertThat(e.getMessage(), containsString(reason));
        assertThat(e.getMessage(), containsString("slice "));
    }
}
