package eu.confine.oob.sshd.internal;

import java.io.IOException;
import java.util.Map;
import java.util.Optional;

import eu.confine.oob.api.ContainerProcess;
import eu.confine.oob.api.Containers;
import eu.confine.oob.api.SliceId;
import eu.confine.oob.api.SliverRecords;
import eu.confine.oob.api.TerminalSize;

/** The sliver's console ({@code lxc-console}); its escape {@code Ctrl-a q} detaches and ends the session with status 0. */
final class ConsoleCommand extends ContainerCommand {

    ConsoleCommand(Containers containers, SliverRecords records, SliceId sliceId, Optional<TerminalSize> terminal) {
        super("console", containers, records, sliceId, terminal);
    }

    @Override
    ContainerProcess start(Containers containers, String container, Map<String, String> env) throws IOException {
        return containers.console(container, terminal().orElse(TerminalSize.DEFAULT), env);
    }

    @Override
    String what() {
        return "console";
    }
}
