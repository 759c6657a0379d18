package eu.confine.oob.api.login;

import java.util.Optional;

import eu.confine.oob.api.SliceId;

/**
 * A rule that may refuse every login to a slice's sliver for now, whatever the key (for example: the
 * node's copy of the registry is too old to trust). A login front end asks every registered policy
 * before it accepts a key, and refuses the login if any of them gives a reason; with no policy
 * registered, logins are decided by the keys alone.
 */
public interface LoginPolicy {

    /**
     * Why a login to the slice's sliver must be refused now, as one line naming the slice, or empty
     * if this policy allows it. Answers from memory in microseconds; never blocks.
     */
    Optional<String> refusal(SliceId sliceId);
}
