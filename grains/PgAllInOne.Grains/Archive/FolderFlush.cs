using System.Runtime.InteropServices;

namespace PgAllInOne.Grains.Archive;

/// <summary>
/// Makes a rename in a folder durable: fsync of the folder itself (POSIX: Linux, macOS; .NET opens no folder as a file). Elsewhere a
/// no-op (Windows' rename is made durable with the file's own flush).
/// </summary>
internal static partial class FolderFlush
{
    private const int ReadOnly = 0; // O_RDONLY: a folder opens read-only like a file (O_DIRECTORY differs per architecture)

    public static void Flush(string folder)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var descriptor = NativeMethods.Open(folder, ReadOnly);
        if (descriptor < 0)
        {
            throw new IOException($"The folder {folder} could not be opened to flush it (errno {Marshal.GetLastPInvokeError()}).");
        }

        try
        {
            if (NativeMethods.Fsync(descriptor) != 0)
            {
                throw new IOException($"The folder {folder} could not be flushed to disk (errno {Marshal.GetLastPInvokeError()}).");
            }
        }
        finally
        {
            _ = NativeMethods.Close(descriptor);
        }
    }

    private static class NativeMethods
    {
        [DllImport("libc", EntryPoint = "open", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int Open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

        [DllImport("libc", EntryPoint = "fsync", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int Fsync(int descriptor);

        [DllImport("libc", EntryPoint = "close", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int Close(int descriptor);
    }
}
