package eu.confine.oob.shell.command;

import java.util.Comparator;
import java.util.List;

import eu.confine.oob.api.Containers;
import eu.confine.oob.api.SliceId;
import eu.confine.oob.api.SliverAspect;

/** What {@code oob:list} and {@code oob:info} read about a sliver, with a failing reader shown instead of failing the command. */
final class SliverView {

    private SliverView() {
    }

    /** The aspects in name order; null (no service yet) gives none. */
    static List<SliverAspect> sorted(List<SliverAspect> aspects) {
        return aspects == null ? List.of() : aspects.stream().sorted(Comparator.comparing(SliverAspect::name)).toList();
    }

    /** The aspect's state, or a not-ok state carrying the error if reading it failed. */
    static SliverAspect.State inspect(SliverAspect aspect, SliceId sliceId) {
        try {
            return aspect.inspect(sliceId);
        } catch (RuntimeException e) {
            return new SliverAspect.State(false, "error", "cannot read: " + e.getMessage());
        }
    }

    /** {@code yes}, {@code no}, or {@code error: ...} if the container state cannot be read. */
    static String running(Containers containers, String container) {
        try {
            return containers.isRunning(container) ? "yes" : "no";
        } catch (RuntimeException e) {
            return "error: " + e.getMessage();
        }
    }
}
