namespace PgAllInOne.Api.Contracts.Documents;

public sealed record CreatedId(long Id);
