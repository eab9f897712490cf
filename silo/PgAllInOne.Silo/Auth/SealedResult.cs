using System.Security.Cryptography;
using System.Text;
using PgAllInOne.Postgres;

namespace PgAllInOne.Silo.Auth;

/// <summary>
/// A created API key as its idempotency key's result: the answer of POST /api/keys holds the new key's secret, which
/// the database must not keep readable. It is sealed (AES-GCM) with a key derived from the credential of the caller
/// that created it, which the database does not hold either; a repeat by that caller opens it.
/// </summary>
internal static class SealedResult
{
    private const int NonceBytes = 12;
    private const int TagBytes = 16;

    public static string Seal(string result, string credential)
    {
        var plain = Encoding.UTF8.GetBytes(result);
        var sealedBytes = new byte[NonceBytes + TagBytes + plain.Length];
        var nonce = sealedBytes.AsSpan(0, NonceBytes);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(KeyOf(credential), TagBytes);
        aes.Encrypt(nonce, plain, sealedBytes.AsSpan(NonceBytes + TagBytes), sealedBytes.AsSpan(NonceBytes, TagBytes));
        return Convert.ToBase64String(sealedBytes);
    }

    public static string Open(string sealedResult, string credential)
    {
        var sealedBytes = Convert.FromBase64String(sealedResult);
        var plain = new byte[sealedBytes.Length - NonceBytes - TagBytes];
        try
        {
            using var aes = new AesGcm(KeyOf(credential), TagBytes);
            aes.Decrypt(sealedBytes.AsSpan(0, NonceBytes), sealedBytes.AsSpan(NonceBytes + TagBytes), sealedBytes.AsSpan(NonceBytes, TagBytes), plain);
        }
        catch (AuthenticationTagMismatchException exception)
        {
            throw new IdempotencyMismatchException(
                "This idempotency key created an API key for a request sent with another credential of the same key (a dashboard session, say); its answer can be read only with that one. Nothing was written.",
                exception);
        }

        return Encoding.UTF8.GetString(plain);
    }

    private static byte[] KeyOf(string credential) => SHA256.HashData(Encoding.UTF8.GetBytes("pgaio idempotency result\n" + credential));
}
