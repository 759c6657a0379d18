package eu.confine.oob.sshd.internal;

import java.util.List;
import java.util.Set;

import org.apache.sshd.common.channel.Channel;
import org.apache.sshd.common.channel.ChannelFactory;
import org.apache.sshd.common.channel.RequestHandler;
import org.apache.sshd.common.session.ConnectionService;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.util.buffer.Buffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Says no, with a log line naming the slice, to every forwarding request a client may send: the global requests
 * for remote TCP and unix-socket forwarding, and channels for local TCP and unix-socket forwarding.
 */
final class ForwardingRefusal implements RequestHandler<ConnectionService> {

    private static final Logger LOG = LoggerFactory.getLogger(ForwardingRefusal.class);
    private static final Set<String> GLOBAL_REQUESTS = Set.of("tcpip-forward", "cancel-tcpip-forward",
            "streamlocal-forward@openssh.com", "cancel-streamlocal-forward@openssh.com");
    private static final List<String> CHANNEL_TYPES = List.of("direct-tcpip", "direct-streamlocal@openssh.com");

    @Override
    public Result process(ConnectionService service, String request, boolean wantReply, Buffer buffer) {
        if (!GLOBAL_REQUESTS.contains(request)) {
            return Result.Unsupported;
        }
        log(service.getSession(), "global request " + request);
        return Result.ReplyFailure;
    }

    /** Channel factories that refuse (and log) the forwarding channel types. */
    static List<ChannelFactory> channelFactories() {
        return CHANNEL_TYPES.stream().<ChannelFactory>map(Refused::new).toList();
    }

    private static void log(Session session, String what) {
        LiveSession login = session.getAttribute(SessionRegistry.LIVE);
        if (login != null) {
            LOG.info("slice {}: forwarding refused to session {}: {}", login.grant().sliceId(), login.id(), what);
        } else {
            LOG.info("forwarding refused to an unauthenticated connection from {}: {}",
                    SliverAuthenticator.source(session.getIoSession().getRemoteAddress()), what);
        }
    }

    /** A channel type whose every open request is refused. */
    private record Refused(String getName) implements ChannelFactory {
        @Override
        public Channel createChannel(Session session) {
            log(session, "channel " + getName);
            return null;
        }
    }
}
