package eu.confine.oob.sshd.internal;

import java.io.IOException;
import java.util.Map;
import java.util.Optional;

import org.apache.sshd.common.channel.Channel;
import org.apache.sshd.common.channel.PtyMode;
import org.apache.sshd.common.channel.RequestHandler;
import org.apache.sshd.common.channel.throttle.ChannelStreamWriter;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.common.util.buffer.BufferUtils;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.session.ServerSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import eu.confine.oob.api.TerminalSize;

/**
 * A session channel of a logged-in slice administrator: keeps only the terminal variables of the client's
 * environment, grants a terminal only to keys without {@code no-pty}, refuses agent and X11 forwarding, counts the
 * bytes each way, and audits what the channel was used for when it opens and closes.
 */
final class SliverChannel extends ChannelSession {

    private static final Logger LOG = LoggerFactory.getLogger(SliverChannel.class);
    private static final int MAX_VARIABLES = 32;
    private static final int MAX_VALUE_LENGTH = 256;

    private final Audit audit;
    private volatile LiveSession owner;
    private volatile ChannelUse use;
    private volatile TerminalSize terminal;
    private int variables;

    SliverChannel(Audit audit) {
        this.audit = audit;
        addCloseFutureListener(future -> closed());
    }

    /** Whether the channel may carry this client variable to the console or a command: TERM, LANG and LC_* only. */
    static boolean isTerminalVariable(String name) {
        return name.equals("TERM") || name.equals("LANG") || name.startsWith("LC_") && name.matches("LC_[A-Z]{1,24}");
    }

    /** The login this channel belongs to. */
    LiveSession login() {
        LiveSession login = getServerSession().getAttribute(SessionRegistry.LIVE);
        if (login == null) {
            throw new IllegalStateException("channel " + getChannelId() + " of an unauthenticated connection");
        }
        return login;
    }

    /** The terminal the client asked for (and got), or empty. */
    Optional<TerminalSize> terminal() {
        return Optional.ofNullable(terminal);
    }

    @Override
    protected RequestHandler.Result handleEnvParsed(String name, String value) throws IOException {
        if (!isTerminalVariable(name) || value.length() > MAX_VALUE_LENGTH || ++variables > MAX_VARIABLES) {
            LOG.debug("slice {}: environment variable {} ignored", login().grant().sliceId(), Printable.of(name));
            return RequestHandler.Result.ReplyFailure;
        }
        return super.handleEnvParsed(name, value);
    }

    @Override
    protected RequestHandler.Result handlePtyReqParsed(String term, int columns, int rows, int width, int height,
            Map<PtyMode, Integer> modes) throws IOException {
        LiveSession login = login();
        if (!login.grant().options().ptyAllowed()) {
            LOG.info("slice {}: terminal refused to session {}: key {} is not allowed one (no-pty)", login.grant().sliceId(),
                    login.id(), login.grant().fingerprint());
            return RequestHandler.Result.ReplyFailure;
        }
        terminal = sizeOf(columns, rows);
        return super.handlePtyReqParsed(term, columns, rows, width, height, modes);
    }

    @Override
    protected RequestHandler.Result handleAgentForwardingParsed(String requestType) {
        return refuse("agent forwarding");
    }

    @Override
    protected RequestHandler.Result handleX11ForwardingParsed(String requestType, ServerSession session, boolean singleConnection,
            String authProtocol, String authCookie, int screenId) {
        return refuse("X11 forwarding");
    }

    @Override
    protected RequestHandler.Result handleShellParsed(String request) throws IOException {
        return opened(super.handleShellParsed(request), "console", "");
    }

    @Override
    protected RequestHandler.Result handleExecParsed(String request, String command) throws IOException {
        return opened(super.handleExecParsed(request, command), ChannelRouter.isScp(command) ? "scp" : "exec", command);
    }

    @Override
    protected RequestHandler.Result handleSubsystemParsed(String request, String subsystem) throws IOException {
        RequestHandler.Result result = super.handleSubsystemParsed(request, subsystem);
        if (result != RequestHandler.Result.ReplySuccess) {
            LOG.info("slice {}: subsystem '{}' refused to session {}", login().grant().sliceId(), Printable.of(subsystem),
                    login().id());
        }
        return opened(result, Printable.of(subsystem), "");
    }

    @Override
    public void handleData(Buffer buffer) throws IOException {
        received(buffer, 0);
        super.handleData(buffer);
    }

    @Override
    public void handleExtendedData(Buffer buffer) throws IOException {
        received(buffer, 4);
        super.handleExtendedData(buffer);
    }

    @Override
    public ChannelStreamWriter resolveChannelStreamWriter(Channel channel, byte cmd) {
        return new CountingStreamWriter(super.resolveChannelStreamWriter(channel, cmd), this::sent);
    }

    private void received(Buffer buffer, int skip) {
        int position = buffer.rpos() + skip;
        if (buffer.wpos() - position >= 4) {
            long length = BufferUtils.getUInt(buffer.array(), position, 4);
            ChannelUse current = use;
            LiveSession login = owner;
            if (current != null && login != null) {
                current.received(length);
                login.received(length);
            }
        }
    }

    private void sent(long length) {
        ChannelUse current = use;
        LiveSession login = owner;
        if (current != null && login != null) {
            current.sent(length);
            login.sent(length);
        }
    }

    private RequestHandler.Result opened(RequestHandler.Result result, String type, String command) {
        if (result == RequestHandler.Result.ReplySuccess) {
            LiveSession login = login();
            ChannelUse opened = new ChannelUse(type, command, audit.clock().instant());
            owner = login;
            use = opened;
            login.using(opened);
            audit.channelOpened(login, opened);
        }
        return result;
    }

    private void closed() {
        ChannelUse closing = use;
        // The connection may be gone already (kicked, or closed by the client): use the login kept at opening.
        LiveSession login = owner;
        if (closing != null && login != null) {
            audit.channelClosed(login, closing);
        }
    }

    private RequestHandler.Result refuse(String what) {
        LiveSession login = login();
        LOG.info("slice {}: {} refused to session {}", login.grant().sliceId(), what, login.id());
        return RequestHandler.Result.ReplyFailure;
    }

    /** The client's size, with the default for a dimension it left at 0 (OpenSSH without a local terminal). */
    static TerminalSize sizeOf(int columns, int rows) {
        int safeColumns = columns <= 0 || columns > 10_000 ? TerminalSize.DEFAULT.columns() : columns;
        int safeRows = rows <= 0 || rows > 10_000 ? TerminalSize.DEFAULT.rows() : rows;
        return new TerminalSize(safeColumns, safeRows);
    }
}
