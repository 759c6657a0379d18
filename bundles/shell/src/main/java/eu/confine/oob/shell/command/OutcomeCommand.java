package eu.confine.oob.shell.command;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;

import eu.confine.oob.api.SliceId;
import eu.confine.oob.api.SliverEvents;
import eu.confine.oob.api.SliverRequest;

/** A command that posts one lifecycle event, as node software would, and waits for its outcome. */
abstract class OutcomeCommand implements Action {

    @Reference
    EventAdmin eventAdmin;

    @Reference
    BundleContext bundleContext;

    @Option(name = "--timeout", description = "Seconds to wait for the outcome event (default 30)")
    int timeoutSeconds = 30;

    /**
     * Checks the event exactly as the receiving bundle will (so bad input posts nothing), posts it
     * with a fresh request id, and returns the outcome line.
     *
     * @throws IllegalStateException with a one-line message on failure or timeout
     */
    final String request(String topic, SliceId sliceId, Map<String, Object> properties,
                         Function<Event, SliverRequest> check, String expectedOutcome) throws InterruptedException {
        if (timeoutSeconds < 1) {
            throw new IllegalArgumentException("--timeout must be at least 1 second, got " + timeoutSeconds);
        }
        String requestId = UUID.randomUUID().toString();
        Map<String, Object> eventProperties = new HashMap<>(properties);
        eventProperties.put(SliverEvents.SLICE_ID, sliceId.value());
        eventProperties.put(SliverEvents.REQUEST_ID, requestId);
        Event event = new Event(topic, eventProperties);
        check.apply(event);
        requireListener(sliceId, topic);
        OutcomeWaiter waiter = new OutcomeWaiter(requestId);
        ServiceRegistration<EventHandler> registration =
                bundleContext.registerService(EventHandler.class, waiter, waiter.serviceProperties());
        try {
            eventAdmin.postEvent(event);
            return OutcomeWaiter.describe(sliceId, waiter.await(Duration.ofSeconds(timeoutSeconds)), expectedOutcome);
        } catch (TimeoutException e) {
            throw new IllegalStateException("slice " + sliceId + ": no outcome within " + timeoutSeconds
                    + " s (request " + requestId + "); it may still complete, see oob:info " + sliceId);
        } finally {
            registration.unregister();
        }
    }

    /**
     * Refuses to post an event nobody takes yet (right after a boot, or while the bundle that owns it is
     * updated): Event Admin would drop it, and the sliver would never be recorded.
     */
    private void requireListener(SliceId sliceId, String topic) {
        ServiceReference<?>[] handlers;
        try {
            handlers = bundleContext.getServiceReferences(EventHandler.class.getName(), null);
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
        for (ServiceReference<?> handler : handlers == null ? new ServiceReference<?>[0] : handlers) {
            if (listensTo(handler.getProperty(EventConstants.EVENT_TOPIC), topic)) {
                return;
            }
        }
        throw new IllegalStateException("slice " + sliceId + ": nothing on this node takes " + topic
                + " yet (its bundle is not active); nothing was posted");
    }

    /** Whether an {@code event.topics} value (String, String[] or collection, with {@code /*} wildcards) covers the topic. */
    static boolean listensTo(Object topics, String topic) {
        Collection<?> patterns = topics instanceof String[] ? List.of((String[]) topics)
                : topics instanceof Collection<?> ? (Collection<?>) topics
                : topics == null ? List.of() : List.of(topics);
        for (Object pattern : patterns) {
            String text = String.valueOf(pattern);
            if (text.equals(topic) || text.equals("*")
                    || text.endsWith("/*") && topic.startsWith(text.substring(0, text.length() - 1))) {
                return true;
            }
        }
        return false;
    }
}
