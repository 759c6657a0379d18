package eu.confine.oob.shell.command;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.event.EventHandler;

import eu.confine.oob.api.SliceId;
import eu.confine.oob.api.SliverEvents;
import eu.confine.oob.api.SliverRequest;
import eu.confine.oob.api.TopicListeners;

/** A command that posts lifecycle events, as node software would, and waits for their outcomes. */
abstract class OutcomeCommand implements Action {

    @Reference
    EventAdmin eventAdmin;

    @Reference
    BundleContext bundleContext;

    @Option(name = "--timeout", description = "Seconds to wait for the outcomes, all of them together (default 30)")
    int timeoutSeconds = 30;

    /**
     * Checks one event per sliver exactly as the receiving bundle will (so bad input posts nothing, for any of them),
     * posts them all at once with fresh request ids, and prints one outcome line per sliver, in the order given.
     *
     * @throws IllegalStateException with a one-line message when a sliver failed or had no outcome in time; with
     *         several slivers, each failure's line is printed on stderr first
     */
    final void request(String topic, List<SliceId> sliceIds, Function<SliceId, Map<String, Object>> properties,
                       Function<Event, SliverRequest> check, String expectedOutcome) throws InterruptedException {
        if (timeoutSeconds < 1) {
            throw new IllegalArgumentException("--timeout must be at least 1 second, got " + timeoutSeconds);
        }
        requireDistinct(sliceIds);
        Map<String, SliceId> sliceOfRequest = new LinkedHashMap<>();
        List<Event> events = new ArrayList<>();
        for (SliceId sliceId : sliceIds) {
            String requestId = UUID.randomUUID().toString();
            Map<String, Object> eventProperties = new HashMap<>(properties.apply(sliceId));
            eventProperties.put(SliverEvents.SLICE_ID, sliceId.value());
            eventProperties.put(SliverEvents.REQUEST_ID, requestId);
            Event event = new Event(topic, eventProperties);
            check.apply(event);
            events.add(event);
            sliceOfRequest.put(requestId, sliceId);
        }
        requireListener(sliceIds.get(0), topic);
        OutcomeWaiter waiter = new OutcomeWaiter(sliceOfRequest.keySet());
        ServiceRegistration<EventHandler> registration =
                bundleContext.registerService(EventHandler.class, waiter, waiter.serviceProperties());
        Map<String, Event> outcomes;
        try {
            events.forEach(eventAdmin::postEvent);
            outcomes = waiter.await(Duration.ofSeconds(timeoutSeconds));
        } finally {
            registration.unregister();
        }
        report(sliceOfRequest, outcomes, expectedOutcome);
    }

    private void report(Map<String, SliceId> sliceOfRequest, Map<String, Event> outcomes, String expectedOutcome) {
        List<String> failures = new ArrayList<>();
        sliceOfRequest.forEach((requestId, sliceId) -> {
            Event outcome = outcomes.get(requestId);
            if (outcome == null) {
                failures.add("slice " + sliceId + ": no outcome within " + timeoutSeconds + " s (request " + requestId
                        + "); it may still complete, see oob:info " + sliceId);
                return;
            }
            try {
                System.out.println(OutcomeWaiter.describe(sliceId, outcome, expectedOutcome));
            } catch (IllegalStateException failed) {
                failures.add(failed.getMessage());
            }
        });
        if (failures.size() == 1 && sliceOfRequest.size() == 1) {
            throw new IllegalStateException(failures.get(0));
        }
        if (!failures.isEmpty()) {
            failures.forEach(System.err::println);
            throw new IllegalStateException(failures.size() + " of " + sliceOfRequest.size() + " slivers did not reach "
                    + expectedOutcome.substring(expectedOutcome.lastIndexOf('/') + 1));
        }
    }

    private static void requireDistinct(List<SliceId> sliceIds) {
        Set<SliceId> seen = new HashSet<>();
        for (SliceId sliceId : sliceIds) {
            if (!seen.add(sliceId)) {
                throw new IllegalArgumentException("slice " + sliceId + " is listed twice; nothing was posted");
            }
        }
    }

    /** The slice ids of the command line, each checked; an invalid one fails before anything is posted. */
    static List<SliceId> sliceIds(List<String> arguments) {
        return arguments.stream().map(SliceId::of).toList();
    }

    /**
     * Refuses to post an event nobody takes yet (right after a boot, or while the bundle that owns it is
     * updated): Event Admin would drop it, and the sliver would never be recorded.
     */
    private void requireListener(SliceId sliceId, String topic) {
        if (!TopicListeners.anyFor(bundleContext, topic)) {
            throw new IllegalStateException("slice " + sliceId + ": nothing on this node takes " + topic
                    + " yet (its bundle is not active); nothing was posted");
        }
    }
}
