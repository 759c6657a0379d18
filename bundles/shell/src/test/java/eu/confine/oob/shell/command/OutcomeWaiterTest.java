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
import java.util.Map;
import java.util.concurrent.TimeoutException;

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

    private final OutcomeWaiter waiter = new OutcomeWaiter(REQUEST);

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
        Filter filter = FrameworkUtil.createFilter((String) new OutcomeWaiter(odd).serviceProperties().get(EventConstants.EVENT_FILTER));
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
        assertThat(waiter.await(Duration.ofSeconds(5)), sameInstance(ready));
    }

    @Test
    public void timesOutWithoutItsOutcome() {
        waiter.handleEvent(event(SliverEvents.SLIVER_READY, "another-request", null));
        waiter.handleEvent(event(SliverEvents.KEYS_WRITTEN, REQUEST, null));
        assertThrows(TimeoutException.class, () -> waiter.await(Duration.ofMillis(50)));
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
