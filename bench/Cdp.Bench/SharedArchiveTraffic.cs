using System.Globalization;

namespace Cdp.Bench;

/// <summary>
/// The erasure benchmark's traffic: other people's everyday events (as in figure 2) with a few subjects mixed in,
/// at most <see cref="SubjectEventsPerBatch"/> of a subject's events to a /v1/batch body and the rest of the body other
/// people's, so every raw archive file a subject is in also holds other people's events and has to be rewritten.
/// A subject's bodies are spread evenly over the whole stream. Seeded, so a world is built the same way every run.
/// </summary>
internal sealed class SharedArchiveTraffic
{
    public const int SubjectEventsPerBatch = 10;

    /// <summary>Everyday events per other person, so a 10× archive also has 10× the people.</summary>
    private const int EventsPerPerson = 10;

    private static readonly string[] AreaCodes = ["212", "312", "206", "512"];

    /// <summary>Exchanges libphonenumber accepts (no N11, no 555), as <see cref="EventMix"/> draws them.</summary>
    private static readonly int[] Exchanges = Enumerable.Range(200, 800).Where(e => e % 100 != 11 && e != 555).ToArray();

    private readonly EventMix _mix;
    private readonly List<Person> _others;
    private readonly string _tag;

    /// <summary>For each body: the subject whose events it carries and which of them (chunk number), or -1 for others only.</summary>
    private readonly (int Subject, int Chunk)[] _slots;

    public SharedArchiveTraffic(int seed, int otherEvents, int subjects, int subjectEvents, string tag)
    {
        if (otherEvents < MinimumOtherEvents(subjects, subjectEvents))
        {
            throw new ArgumentOutOfRangeException(nameof(otherEvents), otherEvents,
                $"the subjects' bodies alone need {MinimumOtherEvents(subjects, subjectEvents):N0} other people's events");
        }

        _mix = new EventMix(seed);
        _tag = tag;
        OtherEvents = otherEvents;
        SubjectEvents = subjectEvents;

        // One call, so userIds and emails are unique across subjects and others; phones are made unique too, since
        // two people sharing a random phone number would link their profiles and ask for a merge.
        var people = _mix.CreatePeople(Math.Max(1, otherEvents / EventsPerPerson) + subjects, 1, 1, tag + "-");
        for (var i = 0; i < people.Count; i++)
        {
            if (people[i].Phone is not null)
            {
                people[i] = people[i] with { Phone = UniquePhone(i) };
            }
        }

        Subjects = people[^subjects..];
        _others = people[..^subjects];

        var subjectSlots = subjects * BatchesPerSubject(subjectEvents);
        var othersOnly = otherEvents - (subjectSlots * EventMix.BatchSize - subjects * subjectEvents);
        Batches = subjectSlots + (othersOnly + EventMix.BatchSize - 1) / EventMix.BatchSize;
        _slots = Enumerable.Repeat((-1, -1), Batches).ToArray();
        for (var j = 0; j < subjectSlots; j++)
        {
            _slots[(int)((j + 0.5) * Batches / subjectSlots)] = (j % subjects, j / subjects);
        }
    }

    /// <summary>The people an erasure is asked for; each is in <see cref="BatchesPerSubject"/> archive files.</summary>
    public IReadOnlyList<Person> Subjects { get; }

    public int OtherEvents { get; }

    public int SubjectEvents { get; }

    public int Batches { get; }

    public int OtherPeople => _others.Count;

    public static int BatchesPerSubject(int subjectEvents) => (subjectEvents + SubjectEventsPerBatch - 1) / SubjectEventsPerBatch;

    /// <summary>Other people's events needed to fill the subjects' bodies up to <see cref="EventMix.BatchSize"/>.</summary>
    public static int MinimumOtherEvents(int subjects, int subjectEvents) =>
        subjects * BatchesPerSubject(subjectEvents) * EventMix.BatchSize - subjects * subjectEvents;

    /// <summary>The /v1/batch bodies in order, made as they are consumed.</summary>
    public IEnumerable<byte[]> Bodies()
    {
        var at = EventMix.Epoch;
        var othersLeft = OtherEvents;
        for (var b = 0; b < Batches; b++)
        {
            var (subject, chunk) = _slots[b];
            var fromSubject = subject < 0 ? 0 : Math.Min(SubjectEventsPerBatch, SubjectEvents - chunk * SubjectEventsPerBatch);
            var fromOthers = Math.Min(othersLeft, EventMix.BatchSize - fromSubject);
            othersLeft -= fromOthers;

            // The subject's events are scattered through the body, as they would be among everyone else's.
            var count = fromSubject + fromOthers;
            var subjectAt = new HashSet<int>();
            while (subjectAt.Count < fromSubject)
            {
                subjectAt.Add(_mix.Random.Next(count));
            }

            var batch = b;
            yield return EventMix.Body(w =>
            {
                for (var i = 0; i < count; i++)
                {
                    var isSubject = subjectAt.Contains(i);
                    var person = isSubject ? Subjects[subject] : _others[_mix.Random.Next(_others.Count)];
                    var device = person.Devices[0];

                    // A subject's very first event names them, so the erasure request (by email) finds them.
                    var call = isSubject && chunk == 0 && i == subjectAt.Min() ? Call.Identify : _mix.NextCall(device);
                    at += TimeSpan.FromMilliseconds(_mix.Random.Next(1, 100));
                    _mix.Write(w, call, person, device, loggedIn: _mix.Random.NextDouble() < 0.8,
                        string.Create(CultureInfo.InvariantCulture, $"{_tag}-{batch:D7}-{i:D3}"), at);
                }
            }, at);
        }
    }

    private static string UniquePhone(int index)
    {
        var line = index % 10_000;
        var exchange = Exchanges[index / 10_000 % Exchanges.Length];
        var area = AreaCodes[index / 10_000 / Exchanges.Length % AreaCodes.Length];
        return string.Create(CultureInfo.InvariantCulture, $"+1 {area}-{exchange}-{line:D4}");
    }
}
