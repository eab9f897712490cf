namespace PgAllInOne.GrainInterfaces;

/// <summary>Names the public grain contract assembly.</summary>
public static class GrainInterfacesAssembly;
