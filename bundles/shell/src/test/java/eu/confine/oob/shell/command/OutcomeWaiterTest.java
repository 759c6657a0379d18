package eu.confine.oob.shell.command;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.sameInstance;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.time.Duration;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.Test;
import org.osgi.framework.Filter;
import org.osgi.framework.FrameworkUtil;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventConstants;

import eu.confine.oob.api.SliceId;
import eu.confine.oob.api.SliverEvents;

public class OutcomeWaiterTest {

    private static final String REQUEST = "2b0c1c4e-5f7a-4d2e-9a51-0c6f1e9e3b7d";
    private static final SliceId DEMO = SliceId.of("demo");

    private final OutcomeWaiter waiter = new OutcomeWaiter(List.of(REQUEST));

    @Test
    public void registersForOutcomeTopicsFilteredOnItsRequestId() throws Exception {
        Dictionary<String, Object> properties = waiter.serviceProperties();
        assertThat(properties.get(EventConstants.EVENT_TOPIC), is("confine/oob/sliver/*"));
        Filter filter = FrameworkUtil.createFilter((String) properties.get(EventConstants.EVENT_FILTER));
        assertTrue(filter.matches(Map.of(SliverEvents.REQUEST_ID, REQUEST)));
        assertFalse(filter.matches(Map.of(SliverEvents.REQUEST_ID, "other")));
        assertFalse(filter.matches(Map.of(SliverEvents.SLICE_ID, "demo")));
    }

    @Test
    public void filterEscapesSpecialCharacters() throws Exception {
        String odd = "a*(b)\\c";
        Filter filter = FrameworkUtil.createFilter((String) new OutcomeWaiter(List.of(odd)).serviceProperties().get(EventConstants.EVENT_FILTER));
        assertTrue(filter.matches(Map.of(SliverEvents.REQUEST_ID, odd)));
        assertFalse(filter.matches(Map.of(SliverEvents.REQUEST_ID, "aXXbc")));
    }

    @Test
    public void returnsTheFirstOutcomeOfItsRequestOnly() throws Exception {
        waiter.handleEvent(event(SliverEvents.ACCOUNT_READY, REQUEST, null));
        waiter.handleEvent(event(SliverEvents.SLIVER_READY, "another-request", null));
        Event ready = event(SliverEvents.SLIVER_READY, REQUEST, null);
        waiter.handleEvent(ready);
        waiter.handleEvent(event(SliverEvents.SLIVER_FAILED, REQUEST, "late"));
        assertThat(waiter.await(Duration.ofSeconds(5)).get(REQUEST), sameInstance(ready));
    }

    @Test
    public void waitsForEveryRequestAndReturnsWhatArrivedInTime() throws Exception {
        OutcomeWaiter several = new OutcomeWaiter(List.of("r1", "r2", "r3"));
        Filter filter = FrameworkUtil.createFilter((String) several.serviceProperties().get(EventConstants.EVENT_FILTER));
        assertTrue(filter.matches(Map.of(SliverEvents.REQUEST_ID, "r2")));
        assertFalse(filter.matches(Map.of(SliverEvents.REQUEST_ID, "r4")));
        Event first = event(SliverEvents.SLIVER_READY, "r1", null);
        Event third = event(SliverEvents.SLIVER_FAILED, "r3", "slice demo: no");
        several.handleEvent(first);
        several.handleEvent(third);
        several.handleEvent(event(SliverEvents.SLIVER_READY, "r4", null));
        Map<String, Event> arrived = several.await(Duration.ofMillis(50));
        assertThat(arrived, is(Map.of("r1", first, "r3", third)));
    }

    @Test
    public void timesOutWithoutItsOutcome() throws InterruptedException {
        waiter.handleEvent(event(SliverEvents.SLIVER_READY, "another-request", null));
        waiter.handleEvent(event(SliverEvents.KEYS_WRITTEN, REQUEST, null));
        assertTrue(waiter.await(Duration.ofMillis(50)).isEmpty());
    }

    @Test
    public void expectedOutcomeIsOneLine() {
        assertThat(OutcomeWaiter.describe(DEMO, event(SliverEvents.SLIVER_READY, REQUEST, null), SliverEvents.SLIVER_READY),
                is("slice demo: READY"));
        assertThat(OutcomeWaiter.describe(DEMO, event(SliverEvents.SLIVER_CLEANED, REQUEST, null), SliverEvents.SLIVER_CLEANED),
                is("slice demo: CLEANED"));
    }

    @Test
    public void failureThrowsOneLineWithTheReasonOnce() {
        Event failed = event(SliverEvents.SLIVER_FAILED, REQUEST, "slice demo: container demo does not exist\n  on this node");
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> OutcomeWaiter.describe(DEMO, failed, SliverEvents.SLIVER_READY));
        assertThat(e.getMessage(), is("slice demo: FAILED: container demo does not exist on this node"));
    }

    @Test
    public void failureWithoutReasonOrUnexpectedOutcomeStillSaysSo() {
        IllegalStateException noReason = assertThrows(IllegalStateException.class,
                () -> OutcomeWaiter.describe(DEMO, event(SliverEvents.SLIVER_FAILED, REQUEST, null), SliverEvents.SLIVER_CLEANED));
        assertThat(noReason.getMessage(), is("slice demo: FAILED: no reason given"));
        IllegalStateException unexpected = assertThrows(IllegalStateException.class,
                () -> OutcomeWaiter.describe(DEMO, event(SliverEvents.SLIVER_CLEANED, REQUEST, null), SliverEvents.SLIVER_READY));
        assertThat(unexpected.getMessage(), is("slice demo: unexpected outcome CLEANED"));
    }

    static Event event(String topic, String requestId, String reason) {
        Map<String, Object> properties = new HashMap<>();
        properties.put(SliverEvents.SLICE_ID, "demo");
        properties.put(SliverEvents.REQUEST_ID, requestId);
        if (reason != null) {
            properties.put(SliverEvents.REASON, reason);
        }
        return new Event(topic, properties);
    }
}
