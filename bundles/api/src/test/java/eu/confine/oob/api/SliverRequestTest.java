package eu.confine.oob.api;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.Test;
import org.osgi.service.event.Event;

public class SliverRequestTest {

    private static final String KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExample admin@example";

    @Test
    public void deployedDefaultsContainerToSliceIdAndCarriesRequestId() {
        SliverRequest request = SliverRequest.deployed(event(SliverEvents.DEPLOYED,
                SliverEvents.SLICE_ID, "demo", SliverEvents.ADMIN_KEYS, new String[] {KEY, " "}, SliverEvents.REQUEST_ID, "r1"));
        assertEquals("demo", request.container());
        assertEquals(List.of(KEY), request.adminKeys());
        assertEquals(Optional.empty(), request.tmp());
        Event answer = request.answer(SliverEvents.SLIVER_READY, SliverEvents.DEPLOYED, Map.of());
        assertEquals("demo", answer.getProperty(SliverEvents.SLICE_ID));
        assertEquals("r1", answer.getProperty(SliverEvents.REQUEST_ID));
        assertEquals(SliverEvents.DEPLOYED, answer.getProperty(SliverEvents.CAUSE));
    }

    @Test
    public void deployedReadsContainerTmpAndKeyCollections() {
        SliverRequest request = SliverRequest.deployed(event(SliverEvents.DEPLOYED, SliverEvents.SLICE_ID, "demo",
                SliverEvents.ADMIN_KEYS, List.of(KEY), SliverEvents.CONTAINER, "ct-1.x", SliverEvents.TMP, "/srv/demo/tmp"));
        assertEquals("ct-1.x", request.container());
        assertEquals(Optional.of(Path.of("/srv/demo/tmp")), request.tmp());
    }

    @Test
    public void missingOrEmptyPropertiesAreRefused() {
        assertRefused(event(SliverEvents.DEPLOYED, SliverEvents.ADMIN_KEYS, new String[] {KEY}), "has no slice.id");
        assertRefused(event(SliverEvents.DEPLOYED, SliverEvents.SLICE_ID, "demo"), "has no slice.admin.keys");
        assertRefused(event(SliverEvents.DEPLOYED, SliverEvents.SLICE_ID, "demo", SliverEvents.ADMIN_KEYS, new String[] {" "}),
                "holds no key");
        assertRefused(event(SliverEvents.DEPLOYED, SliverEvents.SLICE_ID, 42, SliverEvents.ADMIN_KEYS, new String[] {KEY}),
                "must be a String");
        assertRefused(event(SliverEvents.DEPLOYED, SliverEvents.SLICE_ID, "demo", SliverEvents.ADMIN_KEYS, 7), "must be a String[]");
    }

    @Test
    public void unsafeContainerAndTmpAreRefused() {
        for (String container : new String[] {"../x", "a/b", "-n", "a b", ""}) {
            assertRefused(event(SliverEvents.DEPLOYED, SliverEvents.SLICE_ID, "demo", SliverEvents.ADMIN_KEYS, new String[] {KEY},
                    SliverEvents.CONTAINER, container), "container name");
        }
        for (String tmp : new String[] {"relative/tmp", "/srv/../etc", "/srv/./x", "/a\0b"}) {
            assertRefused(event(SliverEvents.DEPLOYED, SliverEvents.SLICE_ID, "demo", SliverEvents.ADMIN_KEYS, new String[] {KEY},
                    SliverEvents.TMP, tmp), "sliver.tmp");
        }
    }

    @Test
    public void failureCarriesRawSliceIdReasonAndRequestId() {
        Event failure = SliverRequest.failure(event(SliverEvents.REMOVED, SliverEvents.SLICE_ID, "Bad Id", SliverEvents.REQUEST_ID, "r9"),
                "slice Bad Id: nope");
        assertEquals(SliverEvents.SLIVER_FAILED, failure.getTopic());
        assertEquals("Bad Id", failure.getProperty(SliverEvents.SLICE_ID));
        assertEquals("r9", failure.getProperty(SliverEvents.REQUEST_ID));
        assertEquals("slice Bad Id: nope", failure.getProperty(SliverEvents.REASON));
    }

    private static void assertRefused(Event event, String reason) {
        InvalidSliverRequestException e = assertThrows(InvalidSliverRequestException.class, () -> SliverRequest.deployed(event));
        assertThat(e.getMessage(), containsString(reason));
    }

    private static Event event(String topic, Object... keyValues) {
        Map<String, Object> props = new HashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            props.put((String) keyValues[i], keyValues[i + 1]);
        }
        return new Event(topic, props);
    }
}
