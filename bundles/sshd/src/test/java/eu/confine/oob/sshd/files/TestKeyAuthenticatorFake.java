package eu.confine.oob.sshd.files;

import java.security.PublicKey;

import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.server.auth.pubkey.PublickeyAuthenticator;
import org.apache.sshd.server.session.ServerSession;

/** Test-only stand-in for the real authentication (the core's): one user name, one key. */
final class TestKeyAuthenticatorFake implements PublickeyAuthenticator {

    private final String user;
    private final PublicKey key;

    TestKeyAuthenticatorFake(String user, PublicKey key) {
        this.user = user;
        this.key = key;
    }

    @Override
    public boolean authenticate(String username, PublicKey offered, ServerSession session) {
        return user.equals(username) && KeyUtils.compareKeys(key, offered);
    }
}
