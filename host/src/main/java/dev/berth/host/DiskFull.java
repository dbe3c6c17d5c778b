package dev.berth.host;

import java.nio.file.FileSystemException;

/** Recognises a failure that came from a full filesystem, wherever in a chain of causes it sits. Stateless. */
public final class DiskFull {

    private DiskFull() {
    }

    /** Whether {@code t} or one of its causes is ENOSPC or EDQUOT, as the JDK reports them. */
    public static boolean causedBy(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            String text = c instanceof FileSystemException fs && fs.getReason() != null ? fs.getReason()
                    : c.getMessage();
            if (text != null && (text.contains("No space left on device") || text.contains("Disk quota exceeded"))) {
                return true;
            }
        }
        return false;
    }
}
