namespace PgAllInOne.Runtime.Messaging;

internal enum MessageKind : byte
{
    Request = 1,
    Response = 2,
}
