"""A record (``class X(Record)``) behaves as the ``@dataclass(frozen=True, slots=True)`` it replaces."""

from __future__ import annotations

import copy
import dataclasses
import pickle

import pytest

from aiplan.core.records import Record, field_setters


class Point(Record):
    """A record with required, defaulted and factory fields."""

    x: int
    y: int
    label: str = ""
    tags: tuple = dataclasses.field(default=())
    notes: list = dataclasses.field(default_factory=list)
    secret: str = dataclasses.field(default="", repr=False)


@dataclasses.dataclass(frozen=True, slots=True)
class Reference:
    """The same fields as a generated dataclass (its methods are the yardstick)."""

    x: int
    y: int
    label: str = ""
    tags: tuple = dataclasses.field(default=())
    notes: list = dataclasses.field(default_factory=list)
    secret: str = dataclasses.field(default="", repr=False)


class Pair(Record):
    """A hashable record."""

    first: int
    rest: tuple = ()


class Counter(Record, frozen=False):
    """A mutable record."""

    name: str
    count: int = 0


def test_construction_repr_and_equality_match_a_generated_dataclass():
    cases = [((1, 2), {}), ((1,), {"y": 2, "label": "a"}), ((), {"x": 1, "y": 2, "tags": ("t",), "secret": "s"}),
             ((1, 2, "a", ("t",), [3], "s"), {})]
    for args, kwargs in cases:
        ours, theirs = Point(*args, **kwargs), Reference(*args, **kwargs)
        assert repr(ours).replace("Point", "Reference") == repr(theirs)
        assert dataclasses.astuple(ours) == dataclasses.astuple(theirs)
    assert Point(1, 2) == Point(x=1, y=2) and Point(1, 2) != Point(1, 3)
    assert Point(1, 2) != Reference(1, 2)  # another class is never equal, as with dataclasses
    assert Point(1, 2, label="a") != Point(1, 2)
    # Fields compare as tuples do, identity first, as in a generated __eq__: the same NaN is equal.
    nan = float("nan")
    assert Point(nan, 2) == Point(nan, 2) and Reference(nan, 2) == Reference(nan, 2)
    assert Point(nan, 2) != Point(float("nan"), 2) and Reference(nan, 2) != Reference(float("nan"), 2)


def test_secret_fields_stay_out_of_repr():
    assert "secret" not in repr(Point(1, 2, secret="s"))
    assert "label=''" in repr(Point(1, 2))


def test_each_instance_gets_its_own_default_factory_value():
    first, second = Point(1, 2), Point(1, 2)
    assert first.notes == [] and first.notes is not second.notes


def test_frozen_records_refuse_assignment_and_deletion_and_hash_by_value():
    point = Point(1, 2)
    with pytest.raises(dataclasses.FrozenInstanceError):
        point.x = 3
    with pytest.raises(dataclasses.FrozenInstanceError):
        del point.x
    with pytest.raises(AttributeError):
        point.__dict__  # noqa: B018 - slotted: no instance dictionary
    assert hash(Pair(1, ("a",))) == hash(Pair(1, ("a",)))
    assert len({Pair(1, ("a",)), Pair(1, ("a",)), Pair(2)}) == 2
    with pytest.raises(TypeError):
        hash(point)  # a list field, as a generated __hash__ would fail on


def test_mutable_records_can_change_and_are_not_hashable():
    counter = Counter("a")
    counter.count += 1
    assert counter == Counter("a", 1) and repr(counter) == "Counter(name='a', count=1)"
    with pytest.raises(TypeError):
        hash(counter)


def test_dataclass_functions_work_on_records():
    point = Point(1, 2, label="a")
    assert dataclasses.is_dataclass(point)
    assert [f.name for f in dataclasses.fields(Point)] == ["x", "y", "label", "tags", "notes", "secret"]
    assert dataclasses.replace(point, y=5) == Point(1, 5, label="a")
    assert dataclasses.asdict(Counter("a", 2)) == {"name": "a", "count": 2}
    assert Point.__match_args__ == ("x", "y", "label", "tags", "notes", "secret")


def test_records_survive_pickle_and_copy():
    point = Point(1, 2, "a", ("t",), [1], "s")
    assert pickle.loads(pickle.dumps(point)) == point
    assert copy.copy(point) == point and copy.deepcopy(point) == point
    assert pickle.loads(pickle.dumps(Counter("a", 3))) == Counter("a", 3)


@pytest.mark.parametrize("args, kwargs, message", [
    ((), {}, "missing 2 required arguments: 'x', 'y'"),
    ((1,), {}, "missing 1 required argument: 'y'"),
    ((1, 2), {"z": 3}, "unexpected keyword argument 'z'"),
    ((1, 2), {"x": 3}, "multiple values for argument 'x'"),
    ((1, 2, "", (), [], "", 7), {}, "takes 7 positional arguments but 8 were given"),
])
def test_wrong_arguments_raise_type_error_naming_the_problem(args, kwargs, message):
    with pytest.raises(TypeError, match=message.replace("(", r"\(").replace(")", r"\)")):
        Point(*args, **kwargs)


def test_post_init_runs_after_init_as_in_a_dataclass():
    class Normalised(Record):
        items: tuple = ()

        def __post_init__(self):
            object.__setattr__(self, "items", tuple(self.items))

    @dataclasses.dataclass(frozen=True, slots=True)
    class Generated:
        items: tuple = ()

        def __post_init__(self):
            object.__setattr__(self, "items", tuple(self.items))

    assert Normalised([1, 2]).items == Generated([1, 2]).items == (1, 2)
    assert Normalised(items=[3]).items == (3,) and Normalised().items == ()
    with pytest.raises(dataclasses.FrozenInstanceError):
        Normalised().items = (1,)


def test_what_a_record_does_not_support_is_refused_when_it_is_defined():
    with pytest.raises(TypeError, match="positional"):
        class KeywordOnly(Record):
            value: int = dataclasses.field(kw_only=True)

    with pytest.raises(TypeError, match="positional"):
        class NotInInit(Record):
            value: int = dataclasses.field(init=False, default=0)


def test_a_method_the_class_defines_is_kept():
    class Shown(Record):
        value: int

        def __repr__(self):
            return "shown"

    assert repr(Shown(1)) == "shown" and Shown(1) == Shown(1)


def test_an_undocumented_record_is_documented_by_its_signature_as_a_generated_dataclass_is():
    class Plain(Record):
        x: int
        notes: list = dataclasses.field(default_factory=list)

    @dataclasses.dataclass(frozen=True, slots=True)
    class Generated:
        x: int
        notes: list = dataclasses.field(default_factory=list)

    assert Plain.__doc__ == "Plain(x: 'int', notes: 'list' = <factory>)"
    assert Plain.__doc__.replace("Plain", "Generated") == Generated.__doc__
    assert Point.__doc__ == "A record with required, defaulted and factory fields."


def test_the_signature_is_the_one_a_generated_init_shows():
    import inspect

    assert str(inspect.signature(Point)) == str(inspect.signature(Reference))
    assert "notes: 'list' = <factory>" in str(inspect.signature(Point))


def test_a_record_class_is_made_once_so_its_methods_see_it():
    class Named(Record):
        name: str

        def kind(self) -> type:
            return __class__  # the cell super() uses: the class the statement made

        def __repr__(self) -> str:
            return "Named:" + super().__repr__()

    named = Named("a")
    assert named.kind() is Named and repr(named) == "Named:" + object.__repr__(named)
    assert type(Named) is type(Record) and Named.__bases__ == (Record,)


def test_a_record_derived_from_a_record_class_has_both_fields_as_a_dataclass_would():
    class Base(Record):
        x: int

    class Derived(Base):
        y: int = 0

    class Mutable(Record, frozen=False):
        x: int

    class Changing(Mutable, frozen=False):
        z: int = 0

    assert [f.name for f in dataclasses.fields(Derived)] == ["x", "y"] and Derived.__slots__ == ("y",)
    assert Derived(1, 2) == Derived(x=1, y=2) and repr(Derived(1)).endswith(".Derived(x=1, y=0)")
    assert Derived.__dataclass_params__.frozen and not Changing.__dataclass_params__.frozen
    changing = Changing(1)
    changing.z = 2
    assert changing == Changing(1, 2)
    with pytest.raises(TypeError, match="non-frozen dataclass from a frozen one"):  # as dataclasses refuses it
        class Thawed(Base, frozen=False):
            z: int = 0
    with pytest.raises(ValueError, match="mutable default"):
        class Listed(Record):
            items: list = []  # noqa: RUF012 - the point of the test


def test_field_setters_make_the_record_init_makes_and_only_for_a_plain_init():
    class Base(Record):
        x: int

    class Derived(Base):
        y: int = 0

    class Normalised(Record):
        items: tuple = ()

        def __post_init__(self):
            object.__setattr__(self, "items", tuple(self.items))

    for cls, values in [(Point, (1, 2, "a", ("t",), [], "s")), (Pair, (1, (2,))), (Derived, (1, 2)),
                        (Counter, ("n", 3))]:
        setters = field_setters(cls)
        assert setters is not None and len(setters) == len(values)
        made = object.__new__(cls)
        for setter, value in zip(setters, values):
            setter(made, value)
        assert made == cls(*values) and repr(made) == repr(cls(*values))
    made = object.__new__(Pair)
    for setter, value in zip(field_setters(Pair), (1, ())):
        setter(made, value)
    assert hash(made) == hash(Pair(1))
    with pytest.raises(dataclasses.FrozenInstanceError):
        made.first = 2
    # Its __init__ does more than set fields, or it is no record: it must be called.
    assert field_setters(Normalised) is None and field_setters(Reference) is None and field_setters(int) is None
