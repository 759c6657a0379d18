package eu.confine.oob.api;

/**
 * One concern's view of a sliver (account, keys, mount, ...), for {@code oob:list} and {@code oob:info}.
 * Each bundle registers one; the answer is read from the host, not from memory.
 */
public interface SliverAspect {

    /** Short name of the aspect, a column header: {@code user}, {@code keys}, {@code mount}. */
    String name();

    /** The aspect's state for the sliver, read now. */
    State inspect(SliceId sliceId);

    /**
     * @param ok      whether the aspect is as it should be for a deployed sliver
     * @param summary a short cell for a table ({@code yes}, {@code 3}, {@code mounted})
     * @param detail  one line for {@code oob:info}, with the error if not ok
     */
    record State(boolean ok, String summary, String detail) {
    }
}
