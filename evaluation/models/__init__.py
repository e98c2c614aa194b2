from .grades import Grade
from .programme import Assessment, Module, Programme, TeachingUnit, UnitComponent

__all__ = ["Assessment", "Grade", "Module", "Programme", "TeachingUnit", "UnitComponent"]
