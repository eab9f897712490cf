namespace PgAllInOne.Grains;

/// <summary>Names this assembly for grain registration: <c>AddGrainsFrom(typeof(GrainsAssembly).Assembly)</c>.</summary>
public static class GrainsAssembly;
