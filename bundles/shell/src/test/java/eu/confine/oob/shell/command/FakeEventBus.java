package eu.confine.oob.shell.command;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;

import eu.confine.oob.api.SliverEvents;

/** An Event Admin and the bit of a BundleContext the commands use: handlers registered, events posted, answers given. */
final class FakeEventBus implements EventAdmin {

    final List<Event> posted = new ArrayList<>();
    final Map<EventHandler, Dictionary<String, Object>> handlers = new HashMap<>();
    int registrations;
    /** The lifecycle topics the node's bundles listen to; empty: none is active yet. */
    final List<String> listening = new ArrayList<>(List.of(SliverEvents.DEPLOYED, SliverEvents.REMOVED, SliverEvents.KEYS_CHANGED));
    private final Function<Event, Event> answer;

    /** @param answer the outcome the node's bundles would post for a request, or null for none */
    FakeEventBus(Function<Event, Event> answer) {
        this.answer = answer;
    }

    /** The outcome {@code topic} for a request, with its request id, as the bundles build it. */
    static Function<Event, Event> answering(String topic, String reason) {
        return request -> {
            Map<String, Object> properties = new HashMap<>();
            properties.put(SliverEvents.SLICE_ID, request.getProperty(SliverEvents.SLICE_ID));
            properties.put(SliverEvents.REQUEST_ID, request.getProperty(SliverEvents.REQUEST_ID));
            properties.put(SliverEvents.CAUSE, request.getTopic());
            if (reason != null) {
                properties.put(SliverEvents.REASON, reason);
            }
            return new Event(topic, properties);
        };
    }

    @Override
    public synchronized void postEvent(Event event) {
        posted.add(event);
        Event outcome = answer == null ? null : answer.apply(event);
        if (outcome == null) {
            return;
        }
        handlers.forEach((handler, properties) -> {
            if (matches(properties, outcome)) {
                handler.handleEvent(outcome);
            }
        });
    }

    @Override
    public void sendEvent(Event event) {
        throw new UnsupportedOperationException("commands post, they never send");
    }

    @SuppressWarnings("unchecked")
    BundleContext bundleContext() {
        return (BundleContext) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {BundleContext.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("getServiceReferences") && EventHandler.class.getName().equals(args[0])) {
                        return listening.isEmpty() ? null : new ServiceReference<?>[] {(ServiceReference<?>) Proxy.newProxyInstance(
                                getClass().getClassLoader(), new Class<?>[] {ServiceReference.class},
                                (reference, call, callArgs) -> EventConstants.EVENT_TOPIC.equals(callArgs[0])
                                        ? listening.toArray(new String[0]) : null)};
                    }
                    if (!method.getName().equals("registerService") || args[0] != EventHandler.class) {
                        throw new UnsupportedOperationException(method.toString());
                    }
                    EventHandler handler = (EventHandler) args[1];
                    synchronized (this) {
                        handlers.put(handler, (Dictionary<String, Object>) args[2]);
                        registrations++;
                    }
                    return Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {ServiceRegistration.class},
                            (registration, call, callArgs) -> {
                                if (!call.getName().equals("unregister")) {
                                    throw new UnsupportedOperationException(call.toString());
                                }
                                synchronized (this) {
                                    handlers.remove(handler);
                                }
                                return null;
                            });
                });
    }

    private static boolean matches(Dictionary<String, Object> properties, Event event) {
        String topics = (String) properties.get(EventConstants.EVENT_TOPIC);
        boolean topic = topics.endsWith("/*")
                ? event.getTopic().startsWith(topics.substring(0, topics.length() - 1))
                : event.getTopic().equals(topics);
        try {
            return topic && event.matches(FrameworkUtil.createFilter((String) properties.get(EventConstants.EVENT_FILTER)));
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
