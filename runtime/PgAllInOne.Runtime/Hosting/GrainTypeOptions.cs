using System.Reflection;

namespace PgAllInOne.Runtime.Hosting;

/// <summary>The assemblies scanned for grain classes and their interfaces.</summary>
public sealed class GrainTypeOptions
{
    public ICollection<Assembly> Assemblies { get; } = new HashSet<Assembly>();
}
