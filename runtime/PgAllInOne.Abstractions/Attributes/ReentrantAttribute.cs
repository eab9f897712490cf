namespace PgAllInOne;

/// <summary>Opts a grain class into interleaving: a new request may start while another awaits. Turns still never run in parallel.</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class ReentrantAttribute : Attribute;
