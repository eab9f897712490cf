namespace PgAllInOne.Silo.Auth;

/// <summary>The roles of API keys, each including the ones below it, and the authorization policies named after them.</summary>
public static class ApiRoles
{
    public const string Admin = "admin";
    public const string Writer = "writer";
    public const string Reader = "reader";

    public static readonly string[] All = [Admin, Writer, Reader];

    /// <summary>The roles that satisfy a policy: admin ⊇ writer ⊇ reader.</summary>
    public static string[] AtLeast(string role) => role switch
    {
        Admin => [Admin],
        Writer => [Admin, Writer],
        _ => [Admin, Writer, Reader],
    };
}
