package eu.confine.oob.sshd.internal;

/** How an OpenSSH client run ended: exit status and everything it printed. */
record SshResult(int status, String stdout, String stderr) {

    @Override
    public String toString() {
        return "exit " + status + "\n--- stdout\n" + stdout + "--- stderr\n" + stderr;
    }
}
