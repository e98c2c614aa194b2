"""The shared cache's Redis backend, failing open.

Django's `RedisCache` raises when Redis is unreachable, so every sign-in (allauth counts
wrong passwords in the cache) would answer 500 with the broker's Redis down. This one logs
and answers as a cache miss instead: sign-in works, unthrottled, until Redis is back.
"""

import logging
from functools import wraps

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

MISSES = {
    "get": lambda args, kwargs: kwargs.get("default", args[1] if len(args) > 1 else None),
    "get_many": lambda args, kwargs: {},
    "set": lambda args, kwargs: None,
    "add": lambda args, kwargs: False,
    "touch": lambda args, kwargs: False,
    "delete": lambda args, kwargs: False,
    "has_key": lambda args, kwargs: False,
    "set_many": lambda args, kwargs: [],
    "delete_many": lambda args, kwargs: None,
}


def _failing_open(name, method, miss):
    @wraps(method)
    def wrapper(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except RedisError as error:
            logger.warning("Cache %s failed (Redis unreachable?): %s", name, error)
            return miss(args, kwargs)

    return wrapper


class SharedRedisCache(RedisCache):
    pass


for _name, _miss in MISSES.items():
    setattr(SharedRedisCache, _name, _failing_open(_name, getattr(RedisCache, _name), _miss))
