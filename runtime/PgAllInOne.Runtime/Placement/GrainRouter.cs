using PgAllInOne.Runtime.Hosting;
using PgAllInOne.Runtime.Membership;

namespace PgAllInOne.Runtime.Placement;

/// <summary>Finds the silo that owns a grain under the current membership view, when that silo is not this one.</summary>
internal sealed class GrainRouter(MembershipService membership, SiloStatus status)
{
    public SiloEntry? RemoteOwner(GrainId grain)
    {
        var view = membership.View;
        var silos = view.ActiveSiloIds;
        if (silos.Count == 0 || (silos.Count == 1 && silos[0] == status.SiloId))
        {
            return null;
        }

        var owner = RendezvousPlacement.Owner(grain, silos);
        return owner is null || owner == status.SiloId ? null : view.Find(owner);
    }

    public bool OwnsHere(GrainId grain) => RemoteOwner(grain) is null;
}
