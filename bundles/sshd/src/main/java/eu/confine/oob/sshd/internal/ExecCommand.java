package eu.confine.oob.sshd.internal;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import eu.confine.oob.api.ContainerProcess;
import eu.confine.oob.api.Containers;
import eu.confine.oob.api.SliceId;
import eu.confine.oob.api.SliverRecords;
import eu.confine.oob.api.TerminalSize;

/**
 * A command run by the sliver's own shell inside the container ({@code lxc-attach ... -- /bin/sh -c COMMAND}); no
 * host shell ever sees the command text.
 */
final class ExecCommand extends ContainerCommand {

    ExecCommand(String command, Containers containers, SliverRecords records, SliceId sliceId, Optional<TerminalSize> terminal) {
        super(command, containers, records, sliceId, terminal);
    }

    @Override
    ContainerProcess start(Containers containers, String container, Map<String, String> env) throws IOException {
        return containers.attach(container, List.of("/bin/sh", "-c", getCommand()), env, terminal());
    }

    @Override
    String what() {
        return "command";
    }
}
