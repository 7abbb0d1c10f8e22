"""Reading a request's input through a serializer: the first step of a view (parse, call, serialize)."""


def validated(serializer_class, data, **kwargs) -> dict:
    """The data validated by `serializer_class`; a ValidationError (400) when it is invalid."""
    serializer = serializer_class(data=data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data
