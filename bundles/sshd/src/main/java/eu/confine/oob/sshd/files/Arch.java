package eu.confine.oob.sshd.files;

import java.util.Locale;

/** The Linux architectures whose syscall numbers and open flags the file service knows; any other fails closed. */
enum Arch {
    X86_64(116, 217, 0200000, 0400000),
    AARCH64(159, 61, 040000, 0100000);

    /** {@code openat2} has the same number on every architecture (added after the tables were unified). */
    static final long SYS_OPENAT2 = 437;

    final long sysSetgroups;
    final long sysGetdents64;
    final int oDirectory;
    final int oNofollow;

    Arch(long sysSetgroups, long sysGetdents64, int oDirectory, int oNofollow) {
        this.sysSetgroups = sysSetgroups;
        this.sysGetdents64 = sysGetdents64;
        this.oDirectory = oDirectory;
        this.oNofollow = oNofollow;
    }

    /**
     * The architecture this JVM runs on.
     *
     * @throws UnsupportedOperationException on anything but Linux on x86-64 or AArch64
     */
    static Arch current() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        if (!os.equals("linux")) {
            throw new UnsupportedOperationException("the sliver file service needs Linux, not " + os);
        }
        switch (arch) {
            case "amd64":
            case "x86_64":
                return X86_64;
            case "aarch64":
                return AARCH64;
            default:
                throw new UnsupportedOperationException("the sliver file service does not know the syscalls of " + arch);
        }
    }
}
