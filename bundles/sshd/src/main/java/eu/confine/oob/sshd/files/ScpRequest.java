package eu.confine.oob.sshd.files;

/**
 * A legacy scp request ({@code scp -t} to receive, {@code scp -f} to send), parsed without any shell:
 * options first, then an optional {@code --}, then the path, which is the rest of the line taken
 * literally (spaces, quotes, {@code $}, {@code ;} and the like are just characters of the name).
 *
 * @param upload    {@code -t}: the client sends files to the path
 * @param recursive {@code -r}
 * @param preserve  {@code -p}: times and modes are kept
 * @param directory {@code -d}: the target must be a directory
 * @param path      the path as the client wrote it, relative to the start directory {@code /}
 */
record ScpRequest(boolean upload, boolean recursive, boolean preserve, boolean directory, String path) {

    /**
     * Parses an exec request.
     *
     * @throws IllegalArgumentException naming what is wrong: not scp, an unknown option, neither or both
     *                                  of {@code -t} and {@code -f}, or no path
     */
    static ScpRequest parse(String command) {
        if (!command.startsWith("scp ")) {
            throw new IllegalArgumentException("not an scp request");
        }
        boolean to = false;
        boolean from = false;
        boolean recursive = false;
        boolean preserve = false;
        boolean directory = false;
        int at = "scp ".length();
        while (at < command.length() && command.charAt(at) == '-') {
            int end = command.indexOf(' ', at);
            if (end < 0) {
                throw new IllegalArgumentException("no path");
            }
            String option = command.substring(at, end);
            at = end + 1;
            if (option.equals("--")) {
                break;
            }
            for (char c : option.substring(1).toCharArray()) {
                switch (c) {
                    case 't' -> to = true;
                    case 'f' -> from = true;
                    case 'r' -> recursive = true;
                    case 'p' -> preserve = true;
                    case 'd' -> directory = true;
                    case 'v', 'q' -> { }
                    default -> throw new IllegalArgumentException("unknown scp option -" + Printable.of(String.valueOf(c)));
                }
            }
        }
        if (to == from) {
            throw new IllegalArgumentException("scp needs exactly one of -t and -f");
        }
        String path = command.substring(at);
        if (path.isEmpty()) {
            throw new IllegalArgumentException("no path");
        }
        return new ScpRequest(to, recursive, preserve, directory, path);
    }
}
