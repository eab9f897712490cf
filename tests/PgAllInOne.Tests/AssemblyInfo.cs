using System.Runtime.Versioning;

// The tests start PostgreSQL and silo processes the Unix way (runuser, SIGTERM).
[assembly: UnsupportedOSPlatform("windows")]
